package dev.imagegate.registry;

import com.github.benmanes.caffeine.cache.Ticker;
import com.google.cloud.tools.jib.api.LogEvent;
import dev.imagegate.config.CacheSettings;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.RegistrySettings;
import dev.imagegate.image.Digest;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.image.Qualifier;
import dev.imagegate.registry.pullsecrets.KubernetesPullSecrets;
import dev.imagegate.registry.pullsecrets.PullSecretSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
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
 * registry threads and completes (on one of them) by the earlier of the caller's deadline and
 * {@code registries.timeout}. Concurrent requests for the same image by the same credentials share
 * one fetch. See docs/registry.md.
 *
 * <p>When the registry cannot be asked (a {@linkplain ErrorReason#isTransient() transient} failure)
 * and the image's facts were confirmed within {@code cache.staleIfError}, the answer is those facts,
 * marked {@link ResolvedImage#stale()}. A tag an admission used is re-resolved in the background
 * shortly before its {@code cache.tagTtl} ends (refresh-ahead), so a hot tag never makes an
 * admission wait, and an outage is known before an admission needs the tag.
 */
@ApplicationScoped
@Startup // a wrong registries/cache setting stops the start, and pull-secret informers sync early
public class ImageResolver implements AutoCloseable {
  /** Registry fetches running at once; more wait in the queue (their deadline runs meanwhile). */
  static final int FETCH_THREADS = 16;
  static final int FETCH_QUEUE = 10_000;
  /** The longest before the caller's deadline that stale facts are given in place of an unanswered re-check. */
  static final Duration STALE_ANSWER_MARGIN = Duration.ofMillis(100);

  private static final Logger LOG = Logger.getLogger(ImageResolver.class);

  private final SSLContext tls;
  private final CredentialChain credentials;
  private final ImageCache cache;
  private final RegistryMetrics metrics;
  /** The wiring of the latest configuration: what {@link #resolve} without one uses. */
  private volatile Wiring latest;
  private final SingleFlight<FlightKey, ImageFetcher.Result> flights = new SingleFlight<>();
  private final SingleFlight<ChildKey, ImageFacts> children = new SingleFlight<>();
  private final ThreadPoolExecutor executor;
  private final ScheduledThreadPoolExecutor deadlines;

  /**
   * One fetch target: the same image asked for the same way with the same credentials to try.
   * {@code credentials} is a list of fingerprints, never secrets.
   */
  private record FlightKey(String registry, String repository, Qualifier qualifier, boolean headFirst, List<String> credentials) {}

  /** @param disk what digests say, kept between runs ({@code imagegate check}'s; {@link DiskCache#NONE} for the webhook) */
  @Inject
  public ImageResolver(ImagegateConfig config, MeterRegistry meters, Instance<KubernetesClient> kubernetes, DiskCache disk) {
    this(config.registries(), config.cache(), meters, defaultTls(),
        config.registries().usePullSecrets() ? new KubernetesPullSecrets(kubernetes.get()) : null, Ticker.systemTicker(), disk);
  }

  ImageResolver(RegistrySettings registries, CacheSettings cacheSettings, MeterRegistry meters, SSLContext tls,
      PullSecretSource pullSecrets, Ticker ticker) {
    this(registries, cacheSettings, meters, tls, pullSecrets, ticker, DiskCache.NONE);
  }

  /**
   * @param tls trust for HTTPS registries without a {@code registries.caBundles} entry; the JVM
   *     default honours {@code javax.net.ssl.trustStore}
   * @param pullSecrets where pods' pull secrets come from; used only when
   *     {@code registries.usePullSecrets} is on (it is closed with the resolver)
   * @param ticker the clock the caches' ages are read from
   * @param disk under the digest-keyed caches, what earlier runs read
   */
  ImageResolver(RegistrySettings registries, CacheSettings cacheSettings, MeterRegistry meters, SSLContext tls,
      PullSecretSource pullSecrets, Ticker ticker, DiskCache disk) {
    Objects.requireNonNull(registries, "registries");
    Objects.requireNonNull(cacheSettings, "cacheSettings");
    this.tls = tls;
    this.metrics = new RegistryMetrics(meters);
    this.cache = new ImageCache(cacheSettings, metrics, ticker, registries.timeout(), disk);
    this.latest = new Wiring(registries, cacheSettings, tls, metrics);
    Consumer<LogEvent> jibLog = ImageResolver::jibLog;
    this.credentials = new CredentialChain(
        new RegistryCredentials(registries.dockerConfig(), jibLog),
        registries.usePullSecrets() ? pullSecrets : null);
    if (!registries.usePullSecrets() && pullSecrets != null) {
      pullSecrets.close();
    }
    this.executor =
        new ThreadPoolExecutor(
            FETCH_THREADS, FETCH_THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(FETCH_QUEUE), daemonThreads("imagegate-registry-"));
    this.executor.allowCoreThreadTimeOut(true);
    this.deadlines = new ScheduledThreadPoolExecutor(1, daemonThreads("imagegate-registry-deadline-"));
    this.deadlines.setRemoveOnCancelPolicy(true);
  }

  /**
   * What a configuration sets of the way registries are reached: endpoints (mirrors, plain-HTTP
   * hosts), TLS (CA bundles), timeout, retries, the per-registry bound, and when tags are refreshed.
   * Built whole, so that a configuration whose CA bundle cannot be read fails here, before it is in
   * force; one resolution uses one wiring from start to end. The caches, the registry threads and
   * the credentials are the resolver's, shared by every wiring.
   */
  public static final class Wiring {
    private final RegistrySettings registries;
    private final CacheSettings cacheSettings;
    private final Duration timeout;
    /** How long after a tag's resolution its background refresh is due (0: none); {@code errorTtl}: retry after a transient failure. */
    private final long refreshAfterNanos;
    private final long refreshRetryNanos;
    private final RegistryEndpoints endpoints;
    private final ImageFetcher fetcher;

    private Wiring(RegistrySettings registries, CacheSettings cacheSettings, SSLContext tls, RegistryMetrics metrics) {
      this.registries = registries;
      this.cacheSettings = cacheSettings;
      this.timeout = registries.timeout();
      this.refreshAfterNanos = refreshAfter(cacheSettings.tagTtl()).toNanos();
      this.refreshRetryNanos = cacheSettings.errorTtl().toNanos();
      this.endpoints = new RegistryEndpoints(registries);
      RegistryHttp http = new RegistryHttp(tls, RegistryTls.contexts(registries.caBundles()), registries.timeout());
      this.fetcher = new ImageFetcher(DistributionClient.over(http, registries.maxConcurrentFetchesPerRegistry(), metrics),
          registries.maxRetries());
    }

    /** {@code registries.timeout}: the most time spent on one image. */
    public Duration timeout() {
      return timeout;
    }
  }

  /**
   * The wiring of these settings: the latest one when they are the same (its connections and
   * per-registry bounds go on serving), else a new one.
   *
   * @throws dev.imagegate.config.ConfigException when a setting cannot be used (a CA bundle that cannot be read)
   */
  public Wiring wiring(RegistrySettings registries, CacheSettings cacheSettings) {
    Wiring current = latest;
    if (current.registries.equals(registries) && current.cacheSettings.equals(cacheSettings)) {
      return current;
    }
    return new Wiring(registries, cacheSettings, tls, metrics);
  }

  /**
   * Puts a wiring in force: {@link #resolve} without one uses it, and the shared caches take its
   * sizes and lifetimes. Failures remembered under other registry settings are forgotten: the
   * change may be what mends them (a mirror, a CA bundle, a plain-HTTP host).
   */
  public void use(Wiring wiring) {
    Wiring before = latest;
    if (wiring != before) {
      cache.retune(wiring.cacheSettings, wiring.timeout);
      if (!wiring.registries.equals(before.registries)) {
        cache.forgetErrors();
      }
      latest = wiring;
    }
  }

  /**
   * The image's facts, every platform it has, for no pod in particular (namespace-independent
   * credentials only), within {@code registries.timeout}. See {@link #resolve(ImageReference, PullContext, Deadline, PlatformFilter)}.
   */
  public CompletableFuture<ResolvedImage> resolve(ImageReference ref) {
    Wiring wiring = latest;
    return resolve(wiring, ref, PullContext.NONE, Deadline.after(wiring.timeout), PlatformFilter.ALL);
  }

  /** The image's facts as {@code pod} may see them, every platform it has. */
  public CompletableFuture<ResolvedImage> resolve(ImageReference ref, PullContext pod, Deadline deadline) {
    return resolve(ref, pod, deadline, PlatformFilter.ALL);
  }

  /**
   * The image's facts as {@code pod} may see them: from the cache, or read from its registry with
   * the pod's credentials. Of an image index, only the children {@code wanted} chooses are read
   * (each once, then cached by its digest), so a pod's platforms cost what they need. Completes
   * exceptionally with an {@link ImageFetchException} naming the image and the reason, at the
   * latest at {@code deadline} (and never later than {@code registries.timeout} after a fetch
   * started); the fetch itself stops by then too. The returned future is the caller's own:
   * cancelling it does not disturb other callers waiting for the same image.
   */
  public CompletableFuture<ResolvedImage> resolve(ImageReference ref, PullContext pod, Deadline deadline, PlatformFilter wanted) {
    return resolve(latest, ref, pod, deadline, wanted);
  }

  /** {@link #resolve(ImageReference, PullContext, Deadline, PlatformFilter)} reaching registries as {@code wiring} says. */
  public CompletableFuture<ResolvedImage> resolve(Wiring wiring, ImageReference ref, PullContext pod, Deadline deadline,
      PlatformFilter wanted) {
    Objects.requireNonNull(wiring, "wiring");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(wanted, "wanted");
    PullContext context = pod == null ? PullContext.NONE : pod;
    if (credentials.usesPullSecrets() && context.namespace() != null && !credentials.pullSecrets().ready().isDone()) {
      // Just started: wait (without blocking anyone) for the pull secrets, within the deadline.
      return credentials.pullSecrets().ready()
          .handle((ok, error) -> null)
          .completeOnTimeout(null, Math.max(0, deadline.remaining().toMillis()), TimeUnit.MILLISECONDS)
          .thenCompose(ignored -> resolveNow(wiring, ref, context, deadline, wanted));
    }
    return resolveNow(wiring, ref, context, deadline, wanted);
  }

  /** What a reference points to, whom the registry let in (an index's children are read as it), and whether it is stale. */
  private record Found(FetchedImage image, Principal reader, StaleFacts stale) {}

  private CompletableFuture<ResolvedImage> resolveNow(Wiring wiring, ImageReference ref, PullContext pod, Deadline deadline,
      PlatformFilter wanted) {
    RegistryEndpoint endpoint = wiring.endpoints.forRegistry(ref.registry());
    List<Principal> candidates;
    try {
      candidates = credentials.candidates(endpoint, ref, pod);
    } catch (ImageFetchException e) {
      return CompletableFuture.failedFuture(fetchException(ref, e));
    }
    CompletableFuture<Found> found = find(wiring, ref, endpoint, candidates, deadline);
    if (found.isDone() && !found.isCompletedExceptionally() && !found.join().image().isIndex()) {
      return CompletableFuture.completedFuture(resolved(ref, found.join(), List.of())); // the hot path: one object, no stage
    }
    return found.thenCompose(image -> withChildren(wiring, ref, endpoint, image, wanted, deadline));
  }

  /** The manifest the reference points to: from the cache, a fetch (shared with callers asking the same), or stale facts. */
  private CompletableFuture<Found> find(Wiring wiring, ImageReference ref, RegistryEndpoint endpoint, List<Principal> candidates,
      Deadline callerDeadline) {
    ImageCache.Lookup lookup = cache.lookup(ref, candidates);
    if (lookup.hit() != null) {
      return CompletableFuture.completedFuture(new Found(lookup.hit(), lookup.reader(), null));
    }
    ImageCache.Stale stale = lookup.stale();
    if (stale != null && stale.knownFailure() != null && stale.knownFailure().reason().isTransient()) {
      // A background re-check of this tag has just found the registry unreachable: no need to wait for another.
      return remembered(ref, stale.knownFailure(), stale);
    }
    FlightKey key = new FlightKey(RegistryEndpoints.normalize(ref.registry()), ref.repository(), lookup.qualifier(), lookup.headFirst(),
        candidates.stream().map(Principal::id).toList());
    ImageFetchException remembered = cache.error(key);
    if (remembered != null) {
      return remembered(ref, remembered, stale);
    }
    Deadline imageDeadline = Deadline.after(wiring.timeout);
    Deadline flightDeadline = Deadline.earlier(callerDeadline, imageDeadline);
    AtomicBoolean started = new AtomicBoolean();
    CompletableFuture<ImageFetcher.Result> flight = flights.join(key, future -> {
      // A flight for this key may have finished (and filled the cache) since our look-up above.
      ImageCache.Lookup again = cache.recheck(ref, candidates);
      if (again.hit() != null) {
        future.complete(new ImageFetcher.Result(again.hit(), again.reader()));
        return;
      }
      started.set(true);
      start(new Flight(wiring, ref, endpoint, candidates, key, lookup, future, flightDeadline, callerDeadline.before(imageDeadline)));
    });
    CompletableFuture<Found> mine = flight.handle((result, error) -> {
      if (error != null) {
        // Each caller's error names the image as that caller asked for it.
        ImageFetchException failure = fetchException(ref, error);
        if (stale != null && failure.reason().isTransient()) {
          return staleImage(ref, stale, failure.reason());
        }
        throw new CompletionException(failure);
      }
      return new Found(result.image(), result.principal(), null);
    });
    if (stale != null) {
      answerBeforeDeadline(mine, ref, stale, callerDeadline);
      mine.thenAccept(this::countStale);
    } else if (!started.get() && !mine.isDone()) {
      bound(mine, ref, callerDeadline);
    }
    return mine;
  }

  /** A failure remembered within {@code errorTtl}: the stale facts when it was transient and there are some, else the failure. */
  private CompletableFuture<Found> remembered(ImageReference ref, ImageFetchException failure, ImageCache.Stale stale) {
    if (stale != null && failure.reason().isTransient()) {
      Found image = staleImage(ref, stale, failure.reason());
      countStale(image);
      return CompletableFuture.completedFuture(image);
    }
    return CompletableFuture.failedFuture(failure.forImage(ref.normalized()));
  }

  /**
   * With stale facts to fall back on, a re-check the registry does not answer in time is a
   * transient failure like any other: the caller gets the stale facts a little before its own
   * deadline, so that whoever waits for the answer (the engine, with the same deadline) has it.
   */
  private void answerBeforeDeadline(CompletableFuture<Found> mine, ImageReference ref, ImageCache.Stale stale, Deadline deadline) {
    if (mine.isDone()) {
      return;
    }
    long remaining = deadline.remaining().toNanos();
    long margin = Math.min(remaining / 10, STALE_ANSWER_MARGIN.toNanos());
    ScheduledFuture<?> alarm = deadlines.schedule(
        () -> mine.complete(staleImage(ref, stale, ErrorReason.TIMEOUT)), remaining - margin, TimeUnit.NANOSECONDS);
    mine.whenComplete((image, error) -> alarm.cancel(false));
  }

  private Found staleImage(ImageReference ref, ImageCache.Stale stale, ErrorReason reason) {
    if (stale.entry() != null) {
      stale.entry().markUsed(); // an admission used the tag: keep re-checking it in the background
    }
    return new Found(stale.image(), stale.reader(), new StaleFacts(ref.registry(), stale.age(), reason));
  }

  private void countStale(Found image) {
    if (image.stale() != null) {
      metrics.staleServed(image.stale().registry());
    }
  }

  /** A caller who joined a running fetch still gets its answer by its own deadline. */
  private void bound(CompletableFuture<?> mine, ImageReference ref, Deadline deadline) {
    ImageFetchException timedOut = FetchErrors.timeout(deadline);
    ScheduledFuture<?> alarm = deadlines.schedule(
        () -> mine.completeExceptionally(timedOut.forImage(ref.normalized())),
        deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
    mine.whenComplete((image, error) -> alarm.cancel(false));
  }

  private static ImageFetchException fetchException(ImageReference ref, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    ImageFetchException failure = cause instanceof ImageFetchException known
        ? known
        : new ImageFetchException(ErrorReason.IO, "unexpected error (" + cause.getClass().getSimpleName() + ")");
    return failure.forImage(ref.normalized());
  }

  private static ResolvedImage resolved(ImageReference ref, Found found, List<ImageFacts> children) {
    FetchedImage image = found.image();
    if (!image.isIndex()) {
      return new ResolvedImage(ref, image.manifestDigest(), List.of(image.single()), found.stale());
    }
    return new ResolvedImage(ref, image.manifestDigest(), image.children().stream().map(IndexEntry::name).toList(), children,
        found.stale());
  }

  /** The image with the facts of the children of an index that {@code wanted} chooses: cached, or read now. */
  private CompletableFuture<ResolvedImage> withChildren(Wiring wiring, ImageReference ref, RegistryEndpoint endpoint, Found found,
      PlatformFilter wanted, Deadline deadline) {
    if (!found.image().isIndex()) {
      return CompletableFuture.completedFuture(resolved(ref, found, List.of()));
    }
    List<IndexEntry> all = found.image().children();
    Set<String> chosen = Set.copyOf(wanted.choose(all.stream().map(IndexEntry::name).toList()));
    List<CompletableFuture<ImageFacts>> reads = new ArrayList<>(all.size());
    for (IndexEntry entry : all) {
      if (chosen.contains(entry.name())) {
        reads.add(child(wiring, ref, endpoint, found.reader(), entry, all, deadline));
      }
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(done -> resolved(ref, found, reads.stream().map(CompletableFuture::join).toList()));
  }

  /** One child of an index the registry let {@code reader} read. */
  private record ChildKey(String registry, String repository, Digest digest) {}

  /**
   * A child's facts, by its digest: cached (immutable), or read as {@code reader} on a registry
   * thread, one read for every caller asking at once, by the caller's deadline.
   */
  private CompletableFuture<ImageFacts> child(Wiring wiring, ImageReference ref, RegistryEndpoint endpoint, Principal reader,
      IndexEntry entry, List<IndexEntry> siblings, Deadline callerDeadline) {
    ImageFacts cached = cache.child(entry.digest());
    if (cached != null) {
      return CompletableFuture.completedFuture(cached);
    }
    Deadline deadline = Deadline.earlier(callerDeadline, Deadline.after(wiring.timeout));
    AtomicBoolean started = new AtomicBoolean();
    ChildKey key = new ChildKey(RegistryEndpoints.normalize(ref.registry()), ref.repository(), entry.digest());
    CompletableFuture<ImageFacts> flight = children.join(key, future -> {
      ImageFacts again = cache.child(entry.digest());
      if (again != null) {
        future.complete(again);
        return;
      }
      started.set(true);
      readChild(wiring, ref, endpoint, reader, entry, siblings, deadline, future);
    });
    CompletableFuture<ImageFacts> mine = flight.handle((facts, error) -> {
      if (error != null) {
        throw new CompletionException(fetchException(ref, error));
      }
      return facts;
    });
    if (!started.get() && !mine.isDone()) {
      bound(mine, ref, callerDeadline);
    }
    return mine;
  }

  private void readChild(Wiring wiring, ImageReference ref, RegistryEndpoint endpoint, Principal reader, IndexEntry entry,
      List<IndexEntry> siblings, Deadline deadline, CompletableFuture<ImageFacts> future) {
    long startedAt = System.nanoTime();
    ScheduledFuture<?> alarm = deadlines.schedule(() -> failChild(ref, future, FetchErrors.timeout(deadline), startedAt),
        deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
    future.whenComplete((facts, error) -> alarm.cancel(false));
    try {
      executor.execute(() -> {
        if (future.isDone()) {
          return; // timed out while waiting for a thread
        }
        try {
          ImageFacts facts = wiring.fetcher.child(ref, endpoint, reader, entry, deadline);
          List<ImageFacts> cachedSiblings = new ArrayList<>();
          for (IndexEntry sibling : siblings) {
            ImageFacts known = sibling == entry ? null : cache.child(sibling.digest());
            if (known != null) {
              cachedSiblings.add(known);
            }
          }
          ImageFacts shared = SharedStrings.with(facts, cachedSiblings);
          cache.storeChild(entry.digest(), shared);
          future.complete(shared);
        } catch (Exception | Error e) {
          failChild(ref, future, FetchErrors.classify(e, deadline), startedAt);
          if (e instanceof Error error) {
            throw error;
          }
        }
      });
    } catch (RejectedExecutionException e) {
      failChild(ref, future, new ImageFetchException(ErrorReason.IO, "too many registry fetches waiting"), startedAt);
    }
  }

  private void failChild(ImageReference ref, CompletableFuture<ImageFacts> future, ImageFetchException failure, long startedAt) {
    if (future.completeExceptionally(failure)) {
      metrics.fetchFailed(ref.registry(), failure.reason(), Duration.ofNanos(System.nanoTime() - startedAt));
    }
  }

  private void start(Flight flight) {
    ScheduledFuture<?> alarm = deadlines.schedule(
        () -> fail(flight, FetchErrors.timeout(flight.deadline)), flight.deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
    flight.future.whenComplete((image, error) -> alarm.cancel(false));
    try {
      executor.execute(() -> run(flight));
    } catch (RejectedExecutionException e) {
      fail(flight, new ImageFetchException(ErrorReason.IO, "too many registry fetches waiting"), false);
    }
  }

  private void run(Flight flight) {
    if (flight.future.isDone()) {
      return; // timed out while waiting for a thread
    }
    try {
      // Fetching by tag (or checking a digest with HEAD), the digest's facts may be cached already;
      // fetching by digest, they are known not to be.
      boolean byDigest = flight.lookup.qualifier() instanceof Digest && !flight.lookup.headFirst();
      ImageFetcher.Result result = flight.wiring.fetcher.fetch(flight.ref, flight.endpoint, flight.candidates, flight.lookup.qualifier(),
          flight.lookup.headFirst(), flight.deadline, byDigest ? digest -> null : cache::facts);
      ImageCache.TagEntry entry = cache.store(flight.ref, result.principal(), result.image());
      if (entry != null) {
        scheduleRefresh(flight.wiring, entry, flight.ref, flight.endpoint, flight.wiring.refreshAfterNanos);
      }
      if (flight.settle()) {
        metrics.fetchSucceeded(flight.ref.registry(), flight.elapsed());
        flight.future.complete(result);
      }
    } catch (Exception | Error e) {
      ImageFetchException failure = FetchErrors.classify(e, flight.deadline);
      if (LOG.isDebugEnabled()) {
        LOG.debugf("%s: %s [%s]", flight.ref.normalized(), failure.detail(), FetchErrors.describe(e));
      }
      fail(flight, failure);
      if (e instanceof Error error) {
        throw error;
      }
    }
  }

  /** Refresh-ahead: the tag is re-resolved {@code delayNanos} from now if an admission used it meanwhile. */
  private void scheduleRefresh(Wiring wiring, ImageCache.TagEntry entry, ImageReference ref, RegistryEndpoint endpoint, long delayNanos) {
    if (delayNanos <= 0) {
      return;
    }
    try {
      deadlines.schedule(() -> refreshIfUsed(wiring, entry, ref, endpoint), delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /**
   * Re-resolves a tag in the background, as the principal that resolved it, with the same single
   * flight and negative cache as an admission's re-check. Success replaces the entry (and schedules
   * its own refresh); a failure is remembered on the entry, so admissions after {@code tagTtl} know
   * it without waiting; a transient one is retried after {@code errorTtl} while admissions use the tag.
   */
  private void refreshIfUsed(Wiring wiring, ImageCache.TagEntry entry, ImageReference ref, RegistryEndpoint endpoint) {
    if (!cache.current(entry) || !entry.takeUsed()) {
      return; // replaced, evicted, or not used since the last refresh: it goes stale, an admission re-checks it
    }
    List<Principal> as = List.of(entry.principal);
    Qualifier tag = new Qualifier.Tag(entry.key.tag());
    FlightKey key = new FlightKey(entry.key.registry(), entry.key.repository(), tag, true, List.of(entry.principal.id()));
    ImageCache.Lookup lookup = ImageCache.Lookup.fetch(tag, true, null);
    flights.join(key, future -> start(new Flight(wiring, ref, endpoint, as, key, lookup, future, Deadline.after(wiring.timeout), false)))
        .whenComplete((result, error) -> {
          if (error == null) {
            readChildrenUsedBefore(wiring, ref, endpoint, entry.digest, result);
            return;
          }
          ImageFetchException failure = FetchErrors.classify(error, Deadline.after(wiring.timeout));
          if (cache.current(entry)) {
            cache.recheckFailed(entry, failure);
            if (failure.reason().isTransient()) {
              scheduleRefresh(wiring, entry, ref, endpoint, wiring.refreshRetryNanos);
            }
          }
        });
  }

  /**
   * A tag moved to another index: its children of the platforms admissions read before are read
   * now too, so that the next admission finds them cached as it found the old ones.
   */
  private void readChildrenUsedBefore(Wiring wiring, ImageReference ref, RegistryEndpoint endpoint, Digest oldDigest,
      ImageFetcher.Result refreshed) {
    FetchedImage before = cache.peek(oldDigest);
    FetchedImage now = refreshed.image();
    if (before == null || !before.isIndex() || !now.isIndex() || now.manifestDigest().equals(oldDigest)) {
      return;
    }
    Set<String> used = new HashSet<>();
    for (IndexEntry child : before.children()) {
      if (cache.child(child.digest()) != null) {
        used.add(child.name());
      }
    }
    for (IndexEntry child : now.children()) {
      if (used.contains(child.name())) {
        child(wiring, ref, endpoint, refreshed.principal(), child, now.children(), Deadline.after(wiring.timeout));
      }
    }
  }

  /** When a tag's background refresh is due: a fifth of {@code tagTtl} before it ends. */
  static Duration refreshAfter(Duration tagTtl) {
    return tagTtl.minus(tagTtl.dividedBy(5));
  }

  private void fail(Flight flight, ImageFetchException failure) {
    // A timeout because this caller's admission had little time left says nothing about the registry.
    fail(flight, failure, !(failure.reason() == ErrorReason.TIMEOUT && flight.callerBound));
  }

  private void fail(Flight flight, ImageFetchException failure, boolean remember) {
    if (flight.settle()) {
      if (remember) {
        cache.rememberError(flight.key, failure);
      }
      metrics.fetchFailed(flight.ref.registry(), failure.reason(), flight.elapsed());
      flight.future.completeExceptionally(failure);
    }
  }

  /** One fetch in flight; settled once, by its result or by its deadline, whichever comes first. */
  private static final class Flight {
    final Wiring wiring;
    final ImageReference ref;
    final RegistryEndpoint endpoint;
    final List<Principal> candidates;
    final FlightKey key;
    final ImageCache.Lookup lookup;
    final CompletableFuture<ImageFetcher.Result> future;
    final Deadline deadline;
    /** Whether the deadline is the caller's (shorter than {@code registries.timeout}). */
    final boolean callerBound;
    final long started = System.nanoTime();
    private final AtomicBoolean settled = new AtomicBoolean();

    Flight(Wiring wiring, ImageReference ref, RegistryEndpoint endpoint, List<Principal> candidates, FlightKey key,
        ImageCache.Lookup lookup, CompletableFuture<ImageFetcher.Result> future, Deadline deadline, boolean callerBound) {
      this.wiring = wiring;
      this.ref = ref;
      this.endpoint = endpoint;
      this.candidates = candidates;
      this.key = key;
      this.lookup = lookup;
      this.future = future;
      this.deadline = deadline;
      this.callerBound = callerBound;
    }

    /** True for the one caller that gets to complete the fetch (and count it). */
    boolean settle() {
      return settled.compareAndSet(false, true);
    }

    Duration elapsed() {
      return Duration.ofNanos(System.nanoTime() - started);
    }
  }

  /** Stops the registry threads (fetches still running fail) and the pull-secret informers. */
  @PreDestroy
  @Override
  public void close() {
    executor.shutdownNow();
    deadlines.shutdownNow();
    if (credentials.pullSecrets() != null) {
      credentials.pullSecrets().close();
    }
  }

  private static void jibLog(LogEvent event) {
    if (LOG.isDebugEnabled()) {
      // jib-core colours some lines with ANSI escapes; its credential retriever never logs secrets
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
