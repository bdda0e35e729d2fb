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
 * @param prewarm before reporting ready, read the images the cluster's pods run, most used first
 *     (one paged list of pods); unset: on when imagegate runs in a cluster, off elsewhere
 * @param prewarmBudget the most time {@code prewarm} may hold readiness back; default 20s
 */
public record CacheSettings(Long maxImages, Long maxTags, Duration tagTtl, Duration errorTtl, Duration staleIfError,
    Boolean prewarm, Duration prewarmBudget) {
  public static final Duration DEFAULT_ERROR_TTL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_STALE_IF_ERROR = Duration.ofHours(24);
  public static final Duration DEFAULT_PREWARM_BUDGET = Duration.ofSeconds(20);

  @JsonCreator
  public CacheSettings {
    maxImages = maxImages == null ? 10_000L : maxImages;
    maxTags = maxTags == null ? 10_000L : maxTags;
    tagTtl = tagTtl == null ? Duration.ofMinutes(1) : tagTtl;
    errorTtl = errorTtl == null ? DEFAULT_ERROR_TTL : errorTtl;
    staleIfError = staleIfError == null ? DEFAULT_STALE_IF_ERROR : staleIfError;
    prewarmBudget = prewarmBudget == null ? DEFAULT_PREWARM_BUDGET : prewarmBudget;
    if (maxImages < 0 || maxTags < 0) {
      throw new ConfigException("cache.maxImages and cache.maxTags must not be negative");
    }
    notNegative("cache.tagTtl", tagTtl);
    notNegative("cache.errorTtl", errorTtl);
    notNegative("cache.staleIfError", staleIfError);
    notNegative("cache.prewarmBudget", prewarmBudget);
  }

  /** Every key but {@code prewarm} and {@code prewarmBudget}, which take their defaults. */
  public CacheSettings(Long maxImages, Long maxTags, Duration tagTtl, Duration errorTtl, Duration staleIfError) {
    this(maxImages, maxTags, tagTtl, errorTtl, staleIfError, null, null);
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
    return new CacheSettings(null, null, null, null, null, null, null);
  }

  public CacheSettings withTagTtl(Duration ttl) {
    return new CacheSettings(maxImages, maxTags, ttl, errorTtl, staleIfError, prewarm, prewarmBudget);
  }

  public CacheSettings withErrorTtl(Duration ttl) {
    return new CacheSettings(maxImages, maxTags, tagTtl, ttl, staleIfError, prewarm, prewarmBudget);
  }

  public CacheSettings withStaleIfError(Duration bound) {
    return new CacheSettings(maxImages, maxTags, tagTtl, errorTtl, bound, prewarm, prewarmBudget);
  }

  /** With {@code prewarm} set: {@code false} where no cluster is at hand, {@code true} for tests. */
  public CacheSettings withPrewarm(boolean on, Duration budget) {
    return new CacheSettings(maxImages, maxTags, tagTtl, errorTtl, staleIfError, on, budget);
  }

  private static void notNegative(String key, Duration value) {
    if (value.isNegative()) {
      throw new ConfigException(key + " must not be negative (" + value + ")");
    }
  }
}
