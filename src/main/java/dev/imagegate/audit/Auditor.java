package dev.imagegate.audit;

import dev.imagegate.config.AuditSettings;
import dev.imagegate.config.Mode;
import dev.imagegate.policy.Excepted;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.audit.AuditReport.WorkloadAudit;
import dev.imagegate.workload.Workload;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The background audit of one replica. Only the lease holder audits: when it gets the lease it
 * starts the {@link Inventory}'s informers (one list, then watch events), judges every workload
 * once, then judges again only the workloads that change (debounced, {@value #DEBOUNCE_MILLIS} ms)
 * and everything every {@code audit.interval} (images may have changed behind their tags); after
 * each round it writes the PolicyReports whose content changed. When it loses the lease it stops
 * the informers and drops the inventory and its results; a replica without the lease keeps none
 * (it still serves admissions) and {@code GET /audit} there names the holder.
 *
 * <p>Runs on one low-priority thread of its own, judges in batches of {@value #BATCH} workloads and
 * reads at most {@code audit.concurrency} images at once, so admissions keep the rest of the
 * registry pool; images come through the same resolver cache as admissions.
 */
public final class Auditor implements AutoCloseable {
  /** The first audit waits this long at most for the namespace labels to be known. */
  static final Duration READY_WAIT = Duration.ofSeconds(10);
  /** Changes arriving within this time are judged together. */
  static final long DEBOUNCE_MILLIS = 2_000;
  /** Workloads judged at once: bounds the judgements held before they become compact results. */
  static final int BATCH = 500;

  private static final Logger LOG = Logger.getLogger(Auditor.class);

  /**
   * What {@code /audit} shows about this replica's audit.
   *
   * @param report the latest audit while this replica leads, or null (before its first, or not leading)
   * @param running a full audit is running now
   * @param lastError why the latest attempt failed (the report is then older), or null
   * @param reports the latest PolicyReport write, or null before the first
   * @param leading this replica holds the lease
   * @param holder the lease holder as last seen, or null
   * @param identity this replica
   * @param interval {@code audit.interval}
   * @param reportKind where the holder's results are to be read ({@code audit.reportFormat}; the first kind when both)
   */
  public record Status(AuditReport report, boolean running, String lastError, PolicyReportWriter.Outcome reports,
      boolean leading, String holder, String identity, Duration interval, PolicyReportWriter.ReportKind reportKind) {}

  /** Nobody to tell of excepted violations. */
  private static final BiConsumer<Workload, List<Excepted>> NO_ONE = (workload, excepted) -> {};

  private final BiConsumer<Workload, List<Excepted>> excepted;
  private final KubernetesClient client;
  /** The engine of the configuration in force: each pass takes one and judges with it alone. */
  private final Supplier<PolicyEngine> engines;
  private final Function<String, Mode> namespaceModes;
  private final BooleanSupplier modesReady;
  private final AuditSettings settings;
  private final Clock clock;
  private final ScheduledThreadPoolExecutor executor;
  private final AuditLeader leader;
  /** One per report kind of {@code audit.reportFormat}. */
  private final List<PolicyReportWriter> writers;
  private final AuditMetrics metrics;
  private final ReportsFromApi fromApi;
  private final AtomicReference<AuditReport> latest = new AtomicReference<>();
  /** Key → the latest result of each judged workload; the audit thread's alone. */
  private final Map<String, WorkloadAudit> audits = new HashMap<>();
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private volatile Inventory inventory;
  private volatile ScheduledFuture<?> periodic;
  private volatile boolean fullDone;
  private volatile String lastError;
  private volatile PolicyReportWriter.Outcome lastWrite;
  /** Report kind → the state of its latest write, to say a lasting trouble once. */
  private final Map<String, PolicyReportWriter.State> lastStates = new ConcurrentHashMap<>();
  private volatile boolean running;
  private volatile boolean firstRun = true;
  private volatile boolean closed;

  /**
   * @param namespaceModes namespace → its own mode (label), or null; as admission sees it
   * @param modesReady whether the namespace labels are known (the first audit waits a little for it)
   * @param leaseNamespace the namespace of the Lease (imagegate's own)
   * @param identity this replica in the Lease
   */
  public Auditor(KubernetesClient client, PolicyEngine engine, Function<String, Mode> namespaceModes,
      BooleanSupplier modesReady, AuditSettings settings, String leaseNamespace, String identity, MeterRegistry meters) {
    this(client, engine, namespaceModes, modesReady, settings, leaseNamespace, identity, meters, NO_ONE);
  }

  /** @param excepted told each judged workload some of whose violations exceptions let through, with those */
  public Auditor(KubernetesClient client, PolicyEngine engine, Function<String, Mode> namespaceModes,
      BooleanSupplier modesReady, AuditSettings settings, String leaseNamespace, String identity, MeterRegistry meters,
      BiConsumer<Workload, List<Excepted>> excepted) {
    this(client, () -> engine, namespaceModes, modesReady, settings, leaseNamespace, identity, meters, excepted);
  }

  /** @param engines the engine of the configuration in force, asked once per pass */
  public Auditor(KubernetesClient client, Supplier<PolicyEngine> engines, Function<String, Mode> namespaceModes,
      BooleanSupplier modesReady, AuditSettings settings, String leaseNamespace, String identity, MeterRegistry meters,
      BiConsumer<Workload, List<Excepted>> excepted) {
    this(client, engines, namespaceModes, modesReady, settings, leaseNamespace, identity, meters, AuditLeader.Timing.DEFAULT,
        Clock.systemUTC(), excepted);
  }

  Auditor(KubernetesClient client, PolicyEngine engine, Function<String, Mode> namespaceModes, BooleanSupplier modesReady,
      AuditSettings settings, String leaseNamespace, String identity, MeterRegistry meters, AuditLeader.Timing timing,
      Clock clock) {
    this(client, () -> engine, namespaceModes, modesReady, settings, leaseNamespace, identity, meters, timing, clock, NO_ONE);
  }

  Auditor(KubernetesClient client, Supplier<PolicyEngine> engines, Function<String, Mode> namespaceModes,
      BooleanSupplier modesReady, AuditSettings settings, String leaseNamespace, String identity, MeterRegistry meters,
      AuditLeader.Timing timing, Clock clock, BiConsumer<Workload, List<Excepted>> excepted) {
    this.excepted = excepted;
    this.client = client;
    this.engines = engines;
    this.namespaceModes = namespaceModes;
    this.modesReady = modesReady;
    this.settings = settings;
    this.clock = clock;
    this.executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread thread = new Thread(r, "imagegate-audit");
      thread.setDaemon(true);
      thread.setPriority(Thread.MIN_PRIORITY); // admissions first
      return thread;
    });
    this.executor.setRemoveOnCancelPolicy(true);
    this.writers = PolicyReportWriter.ReportKind.of(settings.reportFormat()).stream()
        .map(kind -> new PolicyReportWriter(client, kind)).toList();
    this.fromApi = new ReportsFromApi(client, writers.get(0).kind(), engines, namespaceModes);
    this.metrics = new AuditMetrics(meters);
    this.leader = new AuditLeader(client, leaseNamespace, settings.leaseName(), identity, timing, executor, this::onLeading,
        this::onLost);
  }

  /** Runs for the lease; the holder audits. Returns at once. */
  public void start() {
    startElection();
    LOG.infof("audit: lease %s; the holder watches the cluster, judges changes as they come and everything every %s, "
        + "%d image reads at once", settings.leaseName(), settings.interval(), settings.concurrency());
  }

  /** Runs for the lease. */
  void startElection() {
    try {
      leader.start();
    } catch (RuntimeException e) {
      LOG.warnf("audit: leader election could not start (%s); retrying in the background", AuditLeader.shortMessage(e));
      executor.schedule(this::restartLeader, 5, TimeUnit.SECONDS);
    }
  }

  private void restartLeader() {
    try {
      leader.start();
    } catch (RuntimeException e) {
      executor.schedule(this::restartLeader, 30, TimeUnit.SECONDS);
    }
  }

  /**
   * A full audit now, on the audit thread, once this replica leads with its inventory listed (it
   * waits up to 30 s for that); null when it does not lead by then.
   */
  public AuditReport runNow() throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!listed()) {
      if (System.nanoTime() > deadline || closed) {
        return null;
      }
      Thread.sleep(20);
    }
    Future<AuditReport> run = executor.submit(this::fullPass);
    return run.get();
  }

  private boolean listed() {
    Inventory current = inventory;
    return current != null && current.synced().isDone() && !current.synced().isCompletedExceptionally();
  }

  /** Waits for the changes seen so far to be judged and reported: tests. */
  void settle() throws InterruptedException, ExecutionException {
    executor.submit(() -> { }).get();
    if (!dirty.isEmpty() || flushScheduled.get()) {
      executor.submit(this::flush).get();
    }
  }

  public Status status() {
    return new Status(latest.get(), running, lastError, lastWrite, leader.leading(), leader.holder(), leader.identity(),
        settings.interval(), writers.get(0).kind());
  }

  /**
   * The body of {@code GET /audit}: the latest audit on the lease holder; elsewhere the holder's
   * PolicyReports as read from the API (or, when they cannot be read, who holds the lease).
   *
   * @param namespace only this namespace, or null for all
   */
  public Map<String, Object> json(String namespace) {
    return AuditJson.of(state(namespace), namespace);
  }

  /**
   * Where the audit stands here, with the holder's reports read from the API on a replica without
   * the lease.
   *
   * @param namespace only this namespace's report (when read from the API), or null for all
   */
  AuditState state(String namespace) {
    Status status = status();
    return AuditState.of(status, status.leading() ? null : fromApi.read(namespace));
  }

  public AuditReport latest() {
    return latest.get();
  }

  public boolean leading() {
    return leader.leading();
  }

  /** Informers this replica runs: none unless it holds the lease. */
  int informers() {
    Inventory current = inventory;
    return current == null ? 0 : current.informers();
  }

  /** The lease is ours: start the informers, audit everything once listed, then every interval. */
  private void onLeading() {
    execute(() -> {
      if (!leader.leading() || inventory != null || closed) {
        return;
      }
      Inventory started;
      try {
        started = new Inventory(client, settings.namespaceSelector(), settings.objectSelector(), this::changed, metrics::event);
      } catch (RuntimeException e) {
        failed("cannot watch the cluster's workloads: " + AuditLeader.shortMessage(e));
        return;
      }
      inventory = started;
      started.synced().whenComplete((ignored, error) -> execute(() -> {
        if (inventory != started) {
          return; // lost the lease meanwhile
        }
        if (error != null) {
          failed("cannot list the cluster's workloads: " + AuditLeader.shortMessage(error));
          return;
        }
        fullPassQuietly();
        long every = settings.interval().toMillis();
        periodic = executor.scheduleWithFixedDelay(this::fullPassQuietly, every, every, TimeUnit.MILLISECONDS);
      }));
    });
  }

  /** The lease is gone: stop the informers at once, drop what they kept and what was judged. */
  private void onLost() {
    Inventory current = inventory;
    inventory = null;
    fullDone = false;
    if (current != null) {
      current.close();
    }
    ScheduledFuture<?> every = periodic;
    if (every != null) {
      every.cancel(false);
    }
    execute(() -> {
      if (inventory == null) {
        audits.clear();
        dirty.clear();
        latest.set(null);
        writers.forEach(PolicyReportWriter::forget);
      }
    });
  }

  /**
   * Another configuration is in force: once the first full audit is done, everything is judged
   * again with it (a change judged meanwhile already used it).
   */
  public void configurationChanged() {
    execute(() -> {
      if (fullDone && inventory != null && !closed) {
        fullPassQuietly();
      }
    });
  }

  private void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  /** From the informers: a workload changed, appeared or went; judged after the debounce. */
  private void changed(String key) {
    dirty.add(key);
    scheduleFlush();
  }

  private void scheduleFlush() {
    if (fullDone && flushScheduled.compareAndSet(false, true)) {
      try {
        executor.schedule(this::flush, DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // shutting down
      }
    }
  }

  /** Judges the workloads that changed since the last round, and only those. */
  private void flush() {
    flushScheduled.set(false);
    Inventory current = inventory;
    if (current == null || !fullDone || dirty.isEmpty()) {
      return;
    }
    Instant started = clock.instant();
    List<String> keys = new ArrayList<>(dirty);
    dirty.removeAll(keys);
    List<Workload> changed = new ArrayList<>();
    for (String key : keys) {
      Workload workload = current.selected(key);
      audits.remove(key); // gone, unselected, or judged again below
      if (workload != null) {
        changed.add(workload);
      }
    }
    try {
      judge(engines.get(), changed, "changed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException e) {
      LOG.errorf(e, "audit: judging %d changed workloads failed", changed.size());
      return;
    }
    if (inventory == current) {
      publish(started, current.notes(), -1);
    }
  }

  private void fullPassQuietly() {
    try {
      fullPass();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.errorf(e, "audit: failed");
    }
  }

  /** Judges every workload of the inventory; null when this replica has none (not leading). */
  private AuditReport fullPass() throws InterruptedException {
    Inventory current = inventory;
    if (current == null) {
      return null;
    }
    if (firstRun) {
      firstRun = false;
      long deadline = System.nanoTime() + READY_WAIT.toNanos();
      while (!modesReady.getAsBoolean() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    }
    running = true;
    Instant started = clock.instant();
    try {
      dirty.clear(); // changes from here on are in the listing, or judged after it
      Inventory.Listing listing = current.listing();
      audits.clear();
      judge(engines.get(), listing.workloads(), "full");
      if (inventory != current) {
        return null;
      }
      fullDone = true;
      if (!dirty.isEmpty()) {
        scheduleFlush(); // the changes that came during the pass
      }
      return publish(started, listing.notes(), listing.unselected());
    } finally {
      running = false;
    }
  }

  /** Judges in batches with one engine, keeping compact results only. */
  private void judge(PolicyEngine engine, List<Workload> workloads, String pass) throws InterruptedException {
    for (int from = 0; from < workloads.size(); from += BATCH) {
      List<Workload> batch = workloads.subList(from, Math.min(workloads.size(), from + BATCH));
      Map<String, WorkloadAudit> judged = ClusterAudit.judge(engine, batch, namespaceModes, settings.concurrency());
      audits.putAll(judged);
      judged.values().forEach(audit -> {
        if (!audit.excepted().isEmpty()) {
          excepted.accept(audit.workload(), audit.excepted());
        }
      });
      metrics.judged(pass, batch.size());
    }
  }

  /** @param unselected workloads the selectors leave out (logged after a full pass), or -1 after changes */
  private AuditReport publish(Instant started, List<String> notes, int unselected) {
    AuditReport report = ClusterAudit.report(started, clock.instant(), notes, audits.values(), namespaceModes);
    latest.set(report);
    if (lastError != null) {
      LOG.info("audit: the Kubernetes API answers again");
    }
    lastError = null;
    metrics.record(report);
    if (unselected >= 0) {
      LOG.infof("audit: %d workloads in %d namespaces, %d would be denied under enforce (%d ms); %d outside the "
          + "webhook's selectors not judged%s",
          report.workloads(), report.namespaces().size(),
          report.namespaces().values().stream().mapToLong(AuditReport.NamespaceAudit::wouldDeny).sum(),
          report.duration().toMillis(), unselected, report.notes().isEmpty() ? "" : "; " + String.join("; ", report.notes()));
    }
    writeReports();
    return report;
  }

  private void failed(String error) {
    if (closed) {
      return; // shutting down: the client is going away
    }
    metrics.run("failed");
    if (lastError == null) {
      LOG.warnf("audit: %s; retrying", error);
    }
    lastError = error;
  }

  private void writeReports() {
    AuditReport report = latest.get();
    if (report == null) {
      return;
    }
    List<PolicyReportWriter.Outcome> outcomes = new ArrayList<>();
    for (PolicyReportWriter writer : writers) {
      outcomes.add(write(writer, report));
    }
    lastWrite = combined(outcomes);
  }

  private PolicyReportWriter.Outcome write(PolicyReportWriter writer, AuditReport report) {
    PolicyReportWriter.ReportKind kind = writer.kind();
    PolicyReportWriter.Outcome outcome;
    try {
      outcome = writer.write(report, leader::leading);
    } catch (RuntimeException e) {
      outcome = new PolicyReportWriter.Outcome(PolicyReportWriter.State.FAILED, AuditLeader.shortMessage(e), 0, 0, 0);
    }
    metrics.reports(kind.format(), outcome.state().name().toLowerCase(java.util.Locale.ROOT));
    PolicyReportWriter.State previous = lastStates.put(kind.kind(), outcome.state());
    if (previous == outcome.state() && outcome.state() != PolicyReportWriter.State.WRITTEN) {
      return outcome; // said already
    }
    String reports = kind.kind() + "s";
    switch (outcome.state()) {
      case WRITTEN -> LOG.debugf("audit: %s %s", reports, outcome.detail());
      case NOT_LEADER -> LOG.debugf("audit: not writing %s: %s", reports, outcome.detail());
      case CRD_MISSING -> LOG.warnf("audit: %s; no %s are written (GET /audit and the metrics still show "
          + "the audit). Install the CRD with the Helm chart (reports.installCrds), or with Kyverno or Policy Reporter",
          outcome.detail(), reports);
      case FORBIDDEN -> LOG.warnf("audit: cannot write %s (%s); needs RBAC get, list, create, update, delete on %s %s",
          reports, outcome.detail(), kind.group(), kind.plural());
      case FAILED -> LOG.warnf("audit: writing %s failed (%s); tried again at the next round", reports, outcome.detail());
    }
    return outcome;
  }

  /** One outcome for /audit: the first trouble if any, with every kind's detail. */
  private PolicyReportWriter.Outcome combined(List<PolicyReportWriter.Outcome> outcomes) {
    if (outcomes.size() == 1) {
      return outcomes.get(0);
    }
    PolicyReportWriter.State state = outcomes.stream().map(PolicyReportWriter.Outcome::state)
        .filter(s -> s != PolicyReportWriter.State.WRITTEN).findFirst().orElse(PolicyReportWriter.State.WRITTEN);
    StringBuilder detail = new StringBuilder();
    for (int i = 0; i < outcomes.size(); i++) {
      detail.append(i == 0 ? "" : "; ").append(writers.get(i).kind().kind()).append(": ").append(outcomes.get(i).detail());
    }
    return new PolicyReportWriter.Outcome(state, detail.toString(),
        outcomes.stream().mapToInt(PolicyReportWriter.Outcome::written).sum(),
        outcomes.stream().mapToInt(PolicyReportWriter.Outcome::deleted).sum(),
        outcomes.stream().mapToInt(PolicyReportWriter.Outcome::unchanged).sum());
  }

  @Override
  public void close() {
    closed = true;
    leader.close();
    onLost();
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
