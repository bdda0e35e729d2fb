package dev.imagegate.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Duration;

/**
 * Sizes and lifetimes of the registry caches.
 *
 * @param maxImages image configs kept, by digest (immutable, so they never expire; least used go first)
 * @param maxTags tag → digest resolutions kept
 * @param tagTtl how long a tag → digest resolution is trusted before the registry is asked again
 * @param errorTtl how long a failed fetch is remembered (answered without asking the registry);
 *     {@code 0s} remembers nothing
 */
public record CacheSettings(Long maxImages, Long maxTags, Duration tagTtl, Duration errorTtl) {
  public static final Duration DEFAULT_ERROR_TTL = Duration.ofSeconds(5);

  @JsonCreator
  public CacheSettings {
    maxImages = maxImages == null ? 10_000L : maxImages;
    maxTags = maxTags == null ? 10_000L : maxTags;
    tagTtl = tagTtl == null ? Duration.ofMinutes(1) : tagTtl;
    errorTtl = errorTtl == null ? DEFAULT_ERROR_TTL : errorTtl;
    if (maxImages < 0 || maxTags < 0) {
      throw new ConfigException("cache.maxImages and cache.maxTags must not be negative");
    }
    if (tagTtl.isNegative() || errorTtl.isNegative()) {
      throw new ConfigException("cache.tagTtl and cache.errorTtl must not be negative");
    }
  }

  /** The settings of the first version: the default {@code errorTtl}. */
  public CacheSettings(Long maxImages, Long maxTags, Duration tagTtl) {
    this(maxImages, maxTags, tagTtl, null);
  }

  public static CacheSettings defaults() {
    return new CacheSettings(null, null, null, null);
  }
}
