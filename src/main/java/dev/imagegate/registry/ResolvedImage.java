package dev.imagegate.registry;

import dev.imagegate.image.Digest;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import java.util.List;

/**
 * An image found in its registry.
 *
 * @param reference the reference that was resolved
 * @param manifestDigest digest of the manifest (or image index) the reference points to
 * @param offered the {@code os/architecture[/variant]} of each platform the image has: the linux
 *     and windows children an index lists, or a single image's own
 * @param platforms the config facts of each platform read: a single-platform image's, or the
 *     children of an index the {@link PlatformFilter} chose, in index order
 * @param stale null when the registry confirmed the facts within {@code cache.tagTtl}; otherwise
 *     why and how old they are (the registry was unreachable: {@code cache.staleIfError})
 */
public record ResolvedImage(ImageReference reference, Digest manifestDigest, List<String> offered, List<ImageFacts> platforms,
    StaleFacts stale) {
  public ResolvedImage {
    offered = List.copyOf(offered);
    platforms = List.copyOf(platforms);
  }

  /** Every platform it has was read; {@code stale} as above. */
  public ResolvedImage(ImageReference reference, Digest manifestDigest, List<ImageFacts> platforms, StaleFacts stale) {
    this(reference, manifestDigest, platforms.stream().map(ImageFacts::platform).toList(), platforms, stale);
  }

  /** Facts the registry confirmed, every platform read. */
  public ResolvedImage(ImageReference reference, Digest manifestDigest, List<ImageFacts> platforms) {
    this(reference, manifestDigest, platforms, null);
  }
}
