package dev.imagegate.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registry and cache metrics. Labels are a registry host (at most {@value #MAX_REGISTRIES} distinct
 * ones, then {@code other}: pod specs are user input) and small fixed sets; never an image reference.
 *
 * <ul>
 *   <li>{@code imagegate_registry_fetches_total{registry,outcome=success|error}}
 *   <li>{@code imagegate_registry_fetch_seconds{registry}}
 *   <li>{@code imagegate_registry_errors_total{registry,reason}}
 *   <li>{@code imagegate_cache_requests_total{cache=tags|images,result=hit|miss}}
 * </ul>
 */
final class RegistryMetrics {
  static final int MAX_REGISTRIES = 100;
  static final String TAG_CACHE = "tags";
  static final String IMAGE_CACHE = "images";

  private final MeterRegistry meters;
  private final Set<String> registries = ConcurrentHashMap.newKeySet();

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
    Counter.builder("imagegate.registry.errors")
        .description("Image fetches that failed, by reason")
        .tag("registry", label)
        .tag("reason", reason.label())
        .register(meters)
        .increment();
  }

  void cache(String cache, boolean hit) {
    Counter.builder("imagegate.cache.requests")
        .description("Registry cache look-ups")
        .tag("cache", cache)
        .tag("result", hit ? "hit" : "miss")
        .register(meters)
        .increment();
  }

  private Counter fetches(String registry, String outcome) {
    return Counter.builder("imagegate.registry.fetches")
        .description("Image fetches from registries (cache misses)")
        .tag("registry", registry)
        .tag("outcome", outcome)
        .register(meters);
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
