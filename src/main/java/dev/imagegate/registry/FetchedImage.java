package dev.imagegate.registry;

import dev.imagegate.image.Digest;
import dev.imagegate.image.ImageFacts;
import java.util.List;

/**
 * What the manifest a reference points to says; what the image cache keeps, by manifest digest.
 * An image manifest comes with its config's facts (its platform is only known from them); an image
 * index with its children, whose facts are read when a pod's platforms need them and cached by
 * their own digest.
 *
 * @param manifestDigest digest of the manifest or image index
 * @param single the facts of a single-platform image; null for an index
 * @param children an index's linux and windows children ({@link PlatformSelector}); empty for an image
 */
record FetchedImage(Digest manifestDigest, ImageFacts single, List<IndexEntry> children) {
  FetchedImage {
    children = List.copyOf(children);
  }

  static FetchedImage image(Digest manifestDigest, ImageFacts facts) {
    return new FetchedImage(manifestDigest, facts, List.of());
  }

  static FetchedImage index(Digest manifestDigest, List<IndexEntry> children) {
    return new FetchedImage(manifestDigest, null, children);
  }

  boolean isIndex() {
    return single == null;
  }
}
