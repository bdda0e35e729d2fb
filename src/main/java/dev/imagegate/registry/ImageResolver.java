package dev.imagegate.registry;

import com.google.cloud.tools.jib.api.LogEvent;
import dev.imagegate.config.CacheSettings;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.RegistrySettings;
import dev.imagegate.image.ImageReference;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.jboss.logging.Logger;

/**
 * Reads images from their registries, through the caches.
 *
 * <p>{@link #resolve} never blocks: a cache hit completes at once, a miss runs on a bounded pool of
 * registry threads and completes (on one of them) within {@code registries.timeout}. Concurrent
 * requests for the same image share one fetch. See docs/registry.md.
 */
@ApplicationScoped
public class ImageResolver implements AutoCloseable {
  /** Registry fetches running at once; more wait in the queue (their deadline runs meanwhile). */
  static final int FETCH_THREADS = 16;
  static final int FETCH_QUEUE = 10_000;

  private static final Logger LOG = Logger.getLogger(ImageResolver.class);

  private final Duration timeout;
  private final ImageCache cache;
  private final ImageFetcher fetcher;
  private final RegistryMetrics metrics;
  private final SingleFlight<FetchKey, FetchedImage> flights = new SingleFlight<>();
  private final ThreadPoolExecutor executor;
  private final ScheduledThreadPoolExecutor deadlines;

  /** One fetch target: the same image asked for the same way. */
  private record FetchKey(String registry, String repository, String qualifier) {}

  @Inject
  public ImageResolver(ImagegateConfig config, MeterRegistry meters) {
    this(config.registries(), config.cache(), meters, defaultTls());
  }

  /**
   * For use without CDI (tests, tools).
   *
   * @param tls trust for HTTPS registries (e.g. a test CA); the JVM default honours {@code javax.net.ssl.trustStore}
   */
  public ImageResolver(RegistrySettings registries, CacheSettings cacheSettings, MeterRegistry meters, SSLContext tls) {
    Objects.requireNonNull(registries, "registries");
    Objects.requireNonNull(cacheSettings, "cacheSettings");
    this.timeout = registries.timeout();
    this.metrics = new RegistryMetrics(meters);
    this.cache = new ImageCache(cacheSettings, metrics);
    Consumer<LogEvent> jibLog = ImageResolver::jibLog;
    this.fetcher =
        new ImageFetcher(
            new RegistryEndpoints(registries),
            new RegistryHttp(tls, registries.timeout()),
            new RegistryCredentials(registries.dockerConfig(), jibLog),
            new AuthChallenges(),
            new PlatformSelector(registries.platforms()),
            jibLog);
    this.executor =
        new ThreadPoolExecutor(
            FETCH_THREADS, FETCH_THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(FETCH_QUEUE), daemonThreads("imagegate-registry-"));
    this.executor.allowCoreThreadTimeOut(true);
    this.deadlines = new ScheduledThreadPoolExecutor(1, daemonThreads("imagegate-registry-deadline-"));
    this.deadlines.setRemoveOnCancelPolicy(true);
  }

  /** Default for the plain constructor: the JVM's trust store. */
  public ImageResolver(RegistrySettings registries, CacheSettings cacheSettings, MeterRegistry meters) {
    this(registries, cacheSettings, meters, defaultTls());
  }

  /**
   * The image's facts: from the cache, or read from its registry. Completes exceptionally with an
   * {@link ImageFetchException} naming the image and the reason, at the latest after
   * {@code registries.timeout}. The returned future is the caller's own: cancelling it does not
   * disturb other callers waiting for the same image.
   */
  public CompletableFuture<ResolvedImage> resolve(ImageReference ref) {
    Objects.requireNonNull(ref, "ref");
    ImageCache.Lookup lookup = cache.lookup(ref);
    if (lookup.hit() != null) {
      return CompletableFuture.completedFuture(resolved(ref, lookup.hit()));
    }
    FetchKey key = new FetchKey(RegistryEndpoints.normalize(ref.registry()), ref.repository(), lookup.qualifier());
    return flights.join(key, flight -> start(ref, key.qualifier(), flight))
        .handle((image, error) -> {
          if (error != null) {
            // Each caller's error names the image as that caller asked for it.
            throw new CompletionException(fetchException(ref, error));
          }
          return resolved(ref, image);
        });
  }

  private static ImageFetchException fetchException(ImageReference ref, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String reason = cause instanceof FetchProblem problem ? problem.getMessage() : "unexpected error (" + cause.getClass().getSimpleName() + ")";
    return new ImageFetchException(ImageNames.display(ref) + ": " + reason);
  }

  private static ResolvedImage resolved(ImageReference ref, FetchedImage image) {
    return new ResolvedImage(ref, image.manifestDigest(), image.platforms());
  }

  private void start(ImageReference ref, String qualifier, CompletableFuture<FetchedImage> future) {
    Flight flight = new Flight(ref, future, Deadline.after(timeout), System.nanoTime());
    ScheduledFuture<?> alarm = deadlines.schedule(() -> fail(flight, FetchErrors.timeout(flight.deadline)), timeout.toNanos(), TimeUnit.NANOSECONDS);
    future.whenComplete((image, error) -> alarm.cancel(false));
    try {
      executor.execute(() -> run(flight, qualifier));
    } catch (RejectedExecutionException e) {
      fail(flight, new FetchErrors.Classified(ErrorReason.IO, "too many registry fetches waiting"));
    }
  }

  private void run(Flight flight, String qualifier) {
    if (flight.future.isDone()) {
      return; // timed out while waiting for a thread
    }
    try {
      // Fetching by tag, the digest may turn out to be cached already; by digest, it is known not to be.
      boolean byDigest = qualifier.contains(":");
      FetchedImage image = fetcher.fetch(flight.ref, qualifier, flight.deadline, byDigest ? digest -> null : cache::facts);
      cache.store(flight.ref, qualifier, image);
      if (flight.settle()) {
        metrics.fetchSucceeded(flight.ref.registry(), flight.elapsed());
        flight.future.complete(image);
      }
    } catch (Exception | Error e) {
      FetchErrors.Classified failure = FetchErrors.classify(e, flight.deadline);
      if (LOG.isDebugEnabled()) {
        LOG.debugf("%s: %s [%s]", ImageNames.display(flight.ref), failure.message(), FetchErrors.describe(e));
      }
      fail(flight, failure);
      if (e instanceof Error error) {
        throw error;
      }
    }
  }

  private void fail(Flight flight, FetchErrors.Classified failure) {
    if (flight.settle()) {
      metrics.fetchFailed(flight.ref.registry(), failure.reason(), flight.elapsed());
      flight.future.completeExceptionally(new FetchProblem(failure.reason(), failure.message()));
    }
  }

  /** One fetch in flight; settled once, by its result or by its deadline, whichever comes first. */
  private static final class Flight {
    final ImageReference ref;
    final CompletableFuture<FetchedImage> future;
    final Deadline deadline;
    final long started;
    private final AtomicBoolean settled = new AtomicBoolean();

    Flight(ImageReference ref, CompletableFuture<FetchedImage> future, Deadline deadline, long started) {
      this.ref = ref;
      this.future = future;
      this.deadline = deadline;
      this.started = started;
    }

    /** True for the one caller that gets to complete the fetch (and count it). */
    boolean settle() {
      return settled.compareAndSet(false, true);
    }

    Duration elapsed() {
      return Duration.ofNanos(System.nanoTime() - started);
    }
  }

  /** Stops the registry threads; fetches still running fail. */
  @PreDestroy
  @Override
  public void close() {
    executor.shutdownNow();
    deadlines.shutdownNow();
  }

  private static void jibLog(LogEvent event) {
    if (LOG.isDebugEnabled()) {
      // jib-core colours some lines with ANSI escapes
      LOG.debugf("jib-core %s: %s", event.getLevel(), event.getMessage().replaceAll("\u001B\\[[0-9;]*m", ""));
    }
  }

  private static SSLContext defaultTls() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
