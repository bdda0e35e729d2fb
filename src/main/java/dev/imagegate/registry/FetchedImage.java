package dev.imagegate.registry;

import dev.imagegate.image.ImageFacts;
import java.util.List;

/**
 * What one fetch learnt about an image; what the image cache keeps, by manifest digest.
 *
 * @param manifestDigest digest of the manifest or image index
 * @param platforms facts of each judged platform (empty: an index without any linux platform)
 */
record FetchedImage(String manifestDigest, List<ImageFacts> platforms) {
  FetchedImage {
    platforms = List.copyOf(platforms);
  }
}
