package dev.imagegate.admission;

import dev.imagegate.admission.PodImages.Wanted;
import dev.imagegate.config.CacheSettings;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.policy.LivePolicy;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.registry.Deadline;
import dev.imagegate.registry.ResolvedImage;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@code cache.prewarm}: before a replica reports ready ({@link CachePrewarmReadiness}), reads into
 * the image caches the images the cluster's pods run, most used first, as their admissions would
 * read them (the pods' pull secrets, the same children of an index), so that a rolling restart of
 * imagegate neither slows the cluster's next pods nor sends their registries a burst of requests.
 *
 * <p>Bounded: it holds readiness for {@code cache.prewarmBudget} at most and starts no read after
 * it; at most {@code registries.maxConcurrentFetchesPerRegistry} reads run at once per registry
 * (each read also takes the resolver's per-registry permits, shared with admissions). A failing
 * registry or API costs the warmth, never readiness: log line and metrics say what was warmed.
 *
 * <ul>
 *   <li>{@code imagegate_cache_prewarm_images{outcome=warmed|failed|unstarted}}
 *   <li>{@code imagegate_cache_prewarm_pods}: running pods listed
 *   <li>{@code imagegate_cache_prewarm_duration_seconds}
 *   <li>{@code imagegate_cache_prewarm_list_failures_total}: the pod list failed or was cut short
 * </ul>
 */
@ApplicationScoped
public class CachePrewarm {
  private final boolean enabled;
  private final Duration budget;
  private final int perRegistry;
  private final boolean perPod;
  private final PolicyEngine engine;
  private final Supplier<KubernetesClient> client;
  private final AtomicLong warmed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong unstarted = new AtomicLong();
  private final AtomicLong pods = new AtomicLong();
  private final AtomicLong millis = new AtomicLong();
  private final Counter listFailures;
  private volatile long startedAt;
  private volatile boolean finished;

  @Inject
  public CachePrewarm(ImagegateConfig config, LivePolicy policy, KubernetesAccess access, MeterRegistry meters) {
    // One pass at start: the start-up configuration's engine throughout.
    this(wanted(config.cache()), config, policy.engine(), access::backgroundClient, meters);
  }

  CachePrewarm(boolean enabled, ImagegateConfig config, PolicyEngine engine, Supplier<KubernetesClient> client, MeterRegistry meters) {
    this.enabled = enabled && !config.cache().prewarmBudget().isZero();
    this.budget = config.cache().prewarmBudget();
    this.perRegistry = config.registries().maxConcurrentFetchesPerRegistry();
    this.perPod = config.registries().usePullSecrets();
    this.engine = engine;
    this.client = client;
    this.finished = !this.enabled;
    gauge(meters, "imagegate.cache.prewarm.images", warmed, "outcome", "warmed");
    gauge(meters, "imagegate.cache.prewarm.images", failed, "outcome", "failed");
    gauge(meters, "imagegate.cache.prewarm.images", unstarted, "outcome", "unstarted");
    gauge(meters, "imagegate.cache.prewarm.pods", pods);
    Gauge.builder("imagegate.cache.prewarm.duration", millis, m -> m.get() / 1000.0).baseUnit("seconds")
        .description("How long the start-up cache pre-warming took").register(meters);
    this.listFailures = Counter.builder("imagegate.cache.prewarm.list.failures")
        .description("Start-up cache pre-warmings whose pod list failed or was cut short by cache.prewarmBudget").register(meters);
  }

  /**
   * As set, or, when unset, on in a cluster; off in tests and dev mode (they start the application
   * many times), like the start-up warm-up.
   */
  static boolean wanted(CacheSettings cache) {
    return cache.prewarm() != null ? cache.prewarm() : KubernetesAccess.inCluster() && LaunchMode.current() == LaunchMode.NORMAL;
  }

  private static void gauge(MeterRegistry meters, String name, AtomicLong value, String... tags) {
    Gauge.builder(name, value, AtomicLong::get).tags(tags).description("Start-up cache pre-warming (cache.prewarm)").register(meters);
  }

  void onStart(@Observes StartupEvent event) {
    if (!enabled) {
      return;
    }
    startedAt = System.nanoTime();
    Thread thread = new Thread(this::run, "imagegate-cache-prewarm");
    thread.setDaemon(true);
    thread.start();
  }

  /** Whether readiness waits for it: not finished, and not started or started less than {@code cache.prewarmBudget} ago. */
  public boolean holdsReadiness() {
    long started = startedAt;
    return !finished && (started == 0 || System.nanoTime() - started < budget.toNanos());
  }

  public boolean enabled() {
    return enabled;
  }

  /** What it did: running pods listed, images warmed, failed and never started, how long it took. */
  record Result(long pods, long warmed, long failed, long unstarted, long millis, String listError) {}

  /** Runs it on the calling thread. */
  Result run() {
    if (startedAt == 0) {
      startedAt = System.nanoTime();
    }
    Deadline deadline = new Deadline(startedAt + budget.toNanos(), budget);
    try {
      PodImages.Listing listing = PodImages.list(client.get(), perPod, engine::namespaceExempt, deadline);
      pods.set(listing.pods());
      if (listing.error() != null) {
        listFailures.increment();
      }
      warm(listing.images(), deadline);
      millis.set((System.nanoTime() - startedAt) / 1_000_000);
      Result result = new Result(pods.get(), warmed.get(), failed.get(), unstarted.get(), millis.get(), listing.error());
      log(result);
      return result;
    } catch (RuntimeException e) {
      // Pre-warming costs the warmth, never readiness.
      listFailures.increment();
      Log.warnf(e, "cache pre-warm failed; serving with whatever it warmed");
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      finished = true;
    }
  }

  private void log(Result result) {
    String line = String.format("cache pre-warm: %d images warmed, %d failed, %d not started, from %d running pods in %d ms (budget %s)",
        result.warmed(), result.failed(), result.unstarted(), result.pods(), result.millis(), budget);
    if (result.listError() != null) {
      Log.warnf("%s; %s", line, result.listError());
    } else if (result.failed() > 0 || result.unstarted() > 0) {
      Log.warn(line);
    } else {
      Log.info(line);
    }
  }

  /** Reads every image by the deadline, at most {@code perRegistry} per registry at once, most used first within each. */
  private void warm(List<Wanted> images, Deadline deadline) throws InterruptedException {
    Map<String, Queue<Wanted>> byRegistry = new LinkedHashMap<>();
    for (Wanted image : images) {
      byRegistry.computeIfAbsent(image.reference().registry(), r -> new ConcurrentLinkedQueue<>()).add(image);
    }
    List<CompletableFuture<Void>> lanes = new ArrayList<>();
    for (Queue<Wanted> queue : byRegistry.values()) {
      for (int i = Math.min(perRegistry, queue.size()); i > 0; i--) {
        CompletableFuture<Void> lane = new CompletableFuture<>();
        next(queue, deadline, lane);
        lanes.add(lane);
      }
    }
    try {
      // Each read ends by the deadline; the margin only covers the last callbacks.
      CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).get(deadline.remaining().toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // counted below: what did not finish was not warmed
    }
    unstarted.set(byRegistry.values().stream().mapToLong(Queue::size).sum());
  }

  /** Starts the queue's next read when the previous one of this lane ends; reads the cache answers at once need no turn. */
  private void next(Queue<Wanted> queue, Deadline deadline, CompletableFuture<Void> lane) {
    while (!deadline.expired()) {
      Wanted image = queue.poll();
      if (image == null) {
        break;
      }
      CompletableFuture<ResolvedImage> read;
      try {
        read = engine.prefetch(image.reference(), image.pod(), deadline);
      } catch (RuntimeException e) {
        read = CompletableFuture.failedFuture(e);
      }
      if (read == null) {
        continue; // exempt: no admission reads it
      }
      if (read.isDone()) {
        count(read.isCompletedExceptionally());
        continue;
      }
      read.whenComplete((ok, error) -> {
        count(error != null);
        next(queue, deadline, lane);
      });
      return;
    }
    lane.complete(null);
  }

  private void count(boolean error) {
    (error ? failed : warmed).incrementAndGet();
  }
}
