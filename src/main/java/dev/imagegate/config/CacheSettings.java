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
 * @param staleIfError how old the last confirmed facts of an image (its tag's digest, a pod's access
 *     to it) may be to judge it on them when the registry cannot be reached; {@code 0s} never does
 */
public record CacheSettings(Long maxImages, Long maxTags, Duration tagTtl, Duration errorTtl, Duration staleIfError) {
  public static final Duration DEFAULT_ERROR_TTL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_STALE_IF_ERROR = Duration.ofHours(24);

  @JsonCreator
  public CacheSettings {
    maxImages = maxImages == null ? 10_000L : maxImages;
    maxTags = maxTags == null ? 10_000L : maxTags;
    tagTtl = tagTtl == null ? Duration.ofMinutes(1) : tagTtl;
    errorTtl = errorTtl == null ? DEFAULT_ERROR_TTL : errorTtl;
    staleIfError = staleIfError == null ? DEFAULT_STALE_IF_ERROR : staleIfError;
    if (maxImages < 0 || maxTags < 0) {
      throw new ConfigException("cache.maxImages and cache.maxTags must not be negative");
    }
    notNegative("cache.tagTtl", tagTtl);
    notNegative("cache.errorTtl", errorTtl);
    notNegative("cache.staleIfError", staleIfError);
  }

  /** The settings of the first version: the default {@code errorTtl} and {@code staleIfError}. */
  public CacheSettings(Long maxImages, Long maxTags, Duration tagTtl) {
    this(maxImages, maxTags, tagTtl, null, null);
  }

  /** Without {@code staleIfError}: its default. */
  public CacheSettings(Long maxImages, Long maxTags, Duration tagTtl, Duration errorTtl) {
    this(maxImages, maxTags, tagTtl, errorTtl, null);
  }

  public static CacheSettings defaults() {
    return new CacheSettings(null, null, null, null, null);
  }

  public CacheSettings withTagTtl(Duration ttl) {
    return new CacheSettings(maxImages, maxTags, ttl, errorTtl, staleIfError);
  }

  public CacheSettings withErrorTtl(Duration ttl) {
    return new CacheSettings(maxImages, maxTags, tagTtl, ttl, staleIfError);
  }

  public CacheSettings withStaleIfError(Duration bound) {
    return new CacheSettings(maxImages, maxTags, tagTtl, errorTtl, bound);
  }

  private static void notNegative(String key, Duration value) {
    if (value.isNegative()) {
      throw new ConfigException(key + " must not be negative (" + value + ")");
    }
  }
}
