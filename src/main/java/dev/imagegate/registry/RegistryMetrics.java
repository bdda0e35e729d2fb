package dev.imagegate.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registry and cache metrics. Labels are a registry host (at most {@value #MAX_REGISTRIES} distinct
 * ones, then {@code other}: pod specs are user input) and small fixed sets; never an image
 * reference, a credential or a token.
 *
 * <ul>
 *   <li>{@code imagegate_registry_fetches_total{registry,outcome=success|error}}
 *   <li>{@code imagegate_registry_fetch_seconds{registry}}
 *   <li>{@code imagegate_registry_errors_total{registry,reason}}
 *   <li>{@code imagegate_registry_retries_total{registry,reason=io|server_error|rate_limited}}
 *   <li>{@code imagegate_registry_tokens_total{registry,source=cache|token_service}}
 *   <li>{@code imagegate_cache_requests_total{cache=tags|images|errors,result=hit|miss}}
 *   <li>{@code imagegate_cache_stale_served_total{registry}}
 * </ul>
 */
final class RegistryMetrics {
  static final int MAX_REGISTRIES = 100;
  static final String TAG_CACHE = "tags";
  static final String IMAGE_CACHE = "images";
  static final String ERROR_CACHE = "errors";

  private final MeterRegistry meters;
  private final Set<String> registries = ConcurrentHashMap.newKeySet();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  /** Hit and miss counters by cache name: looked up on every image of every admission, so not by a built key. */
  private final Map<String, Counter[]> cacheCounters = new ConcurrentHashMap<>();

  RegistryMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  void fetchSucceeded(String registry, Duration elapsed) {
    String label = label(registry);
    fetches(label, "success").increment();
    timer(label).record(elapsed);
  }

  void fetchFailed(String registry, ErrorReason reason, Duration elapsed) {
    String label = label(registry);
    fetches(label, "error").increment();
    timer(label).record(elapsed);
    counter("imagegate.registry.errors", "Image fetches that failed, by reason",
        "registry", label, "reason", reason.label()).increment();
  }

  /** A request sent again after a transient failure. */
  void retry(String registry, String reason) {
    counter("imagegate.registry.retries",
        "Registry requests retried after a transient failure (within the retry budget and deadline)",
        "registry", label(registry), "reason", reason).increment();
  }

  /** A bearer token used: from the token cache, or fetched from the token service. */
  void token(String registry, boolean cached) {
    counter("imagegate.registry.tokens", "Bearer tokens used for registry requests, by where they came from",
        "registry", label(registry), "source", cached ? "cache" : "token_service").increment();
  }

  /** An image judged on facts its registry could not confirm (a transient failure, within {@code cache.staleIfError}). */
  void staleServed(String registry) {
    counter("imagegate.cache.stale.served",
        "Images judged on earlier registry facts because re-checking them failed for a transient reason",
        "registry", label(registry)).increment();
  }

  /** Called on every admission: the counter is looked up in a map, not built anew. */
  void cache(String cache, boolean hit) {
    cacheCounters.computeIfAbsent(cache, c -> new Counter[] {cacheCounter(c, "hit"), cacheCounter(c, "miss")})[hit ? 0 : 1]
        .increment();
  }

  private Counter cacheCounter(String cache, String result) {
    return counter("imagegate.cache.requests", "Registry cache look-ups", "cache", cache, "result", result);
  }

  private Counter fetches(String registry, String outcome) {
    return counter("imagegate.registry.fetches", "Image fetches from registries (cache misses)",
        "registry", registry, "outcome", outcome);
  }

  /** One counter per name and tag values, registered once (tag sets are bounded: see {@link #label}). */
  private Counter counter(String name, String description, String... tags) {
    return counters.computeIfAbsent(name + '\0' + String.join("\0", tags),
        key -> Counter.builder(name).description(description).tags(tags).register(meters));
  }

  private Timer timer(String registry) {
    return Timer.builder("imagegate.registry.fetch")
        .description("Time to read one image (manifest, index and configs) from its registry")
        .tag("registry", registry)
        .register(meters);
  }

  private String label(String registry) {
    if (registries.contains(registry)) {
      return registry;
    }
    if (registries.size() < MAX_REGISTRIES) {
      registries.add(registry);
      return registry;
    }
    return "other";
  }
}
