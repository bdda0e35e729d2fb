package dev.imagegate.config;

import java.time.Duration;

/**
 * Sizes and lifetimes of the registry caches.
 *
 * @param maxImages image configs kept, by digest (immutable, so they never expire; least used go first)
 * @param maxTags tag → digest resolutions kept
 * @param tagTtl how long a tag → digest resolution is trusted before the registry is asked again
 */
public record CacheSettings(Long maxImages, Long maxTags, Duration tagTtl) {
  public CacheSettings {
    maxImages = maxImages == null ? 10_000L : maxImages;
    maxTags = maxTags == null ? 10_000L : maxTags;
    tagTtl = tagTtl == null ? Duration.ofMinutes(1) : tagTtl;
  }

  public static CacheSettings defaults() {
    return new CacheSettings(null, null, null);
  }
}
