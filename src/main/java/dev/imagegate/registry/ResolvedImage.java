package dev.imagegate.registry;

import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import java.util.List;

/**
 * An image found in its registry.
 *
 * @param reference the reference that was resolved
 * @param manifestDigest digest of the manifest (or image index) the reference points to
 * @param platforms the config facts of each platform judged: one for a single-platform image,
 *     the configured platforms present in an image index otherwise
 * @param stale null when the registry confirmed the facts within {@code cache.tagTtl}; otherwise
 *     why and how old they are (the registry was unreachable: {@code cache.staleIfError})
 */
public record ResolvedImage(ImageReference reference, String manifestDigest, List<ImageFacts> platforms, StaleFacts stale) {
  public ResolvedImage {
    platforms = List.copyOf(platforms);
  }

  /** Facts the registry confirmed. */
  public ResolvedImage(ImageReference reference, String manifestDigest, List<ImageFacts> platforms) {
    this(reference, manifestDigest, platforms, null);
  }
}
