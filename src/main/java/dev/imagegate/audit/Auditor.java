package dev.imagegate.audit;

import dev.imagegate.config.AuditSettings;
import dev.imagegate.config.Mode;
import dev.imagegate.policy.PolicyEngine;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The background audit of one replica: lists the cluster on start and every {@code audit.interval},
 * judges every workload with the admission engine, keeps the latest {@link AuditReport} for
 * {@code GET /audit} and the gauges, and, while this replica holds the lease, writes the
 * PolicyReports.
 *
 * <p>Runs on one low-priority thread of its own, and reads at most {@code audit.concurrency}
 * images at once, so admissions keep the rest of the registry pool; images come through the same
 * resolver cache as admissions. Every replica audits (so each serves {@code /audit} and warms its
 * cache); only the lease holder writes.
 */
public final class Auditor implements AutoCloseable {
  /** The first audit waits this long at most for the namespace labels to be known. */
  static final Duration READY_WAIT = Duration.ofSeconds(10);

  private static final Logger LOG = Logger.getLogger(Auditor.class);

  /**
   * What {@code /audit} shows about this replica's audit.
   *
   * @param report the latest complete audit, or null before the first
   * @param running an audit is running now
   * @param lastError why the latest attempt failed (the report is then older), or null
   * @param reports the latest PolicyReport write, or null before the first
   * @param leading this replica holds the lease
   * @param holder the lease holder as last seen, or null
   * @param identity this replica
   */
  public record Status(AuditReport report, boolean running, String lastError, PolicyReportWriter.Outcome reports,
      boolean leading, String holder, String identity, Duration interval) {}

  private final KubernetesClient client;
  private final PolicyEngine engine;
  private final Function<String, Mode> namespaceModes;
  private final BooleanSupplier modesReady;
  private final AuditSettings settings;
  private final Clock clock;
  private final ScheduledThreadPoolExecutor executor;
  private final AuditLeader leader;
  private final PolicyReportWriter writer;
  private final AuditMetrics metrics;
  private final AtomicReference<AuditReport> latest = new AtomicReference<>();
  private volatile String lastError;
  private volatile PolicyReportWriter.Outcome lastWrite;
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
    this(client, engine, namespaceModes, modesReady, settings, leaseNamespace, identity, meters, AuditLeader.Timing.DEFAULT,
        Clock.systemUTC());
  }

  Auditor(KubernetesClient client, PolicyEngine engine, Function<String, Mode> namespaceModes, BooleanSupplier modesReady,
      AuditSettings settings, String leaseNamespace, String identity, MeterRegistry meters, AuditLeader.Timing timing,
      Clock clock) {
    this.client = client;
    this.engine = engine;
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
    this.writer = new PolicyReportWriter(client);
    this.metrics = new AuditMetrics(meters);
    this.leader = new AuditLeader(client, leaseNamespace, settings.leaseName(), identity, timing, executor, this::onLeading);
  }

  /** Runs for the lease and schedules the audits: the first now, then every {@code audit.interval}. Returns at once. */
  public void start() {
    startElection();
    executor.scheduleWithFixedDelay(this::runQuietly, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
    LOG.infof("audit: every %s, %d image reads at once; lease %s", settings.interval(), settings.concurrency(), settings.leaseName());
  }

  /** Runs for the lease, without scheduling audits. */
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

  /** Audits now, on the audit thread (after any audit already running), and waits for it. */
  public AuditReport runNow() throws InterruptedException, ExecutionException {
    Future<AuditReport> run = executor.submit(this::run);
    return run.get();
  }

  /** Waits for queued work of the audit thread (report writes after a change of leader): tests. */
  void settle() throws InterruptedException, ExecutionException {
    executor.submit(() -> { }).get();
  }

  public Status status() {
    return new Status(latest.get(), running, lastError, lastWrite, leader.leading(), leader.holder(), leader.identity(),
        settings.interval());
  }

  public AuditReport latest() {
    return latest.get();
  }

  public boolean leading() {
    return leader.leading();
  }

  private void runQuietly() {
    try {
      run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.errorf(e, "audit: failed");
    }
  }

  private AuditReport run() throws InterruptedException {
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
      Inventory.Listing listing = Inventory.list(client, settings.namespaceSelector(), settings.objectSelector());
      AuditReport report = ClusterAudit.judge(engine, listing, namespaceModes, settings.concurrency(), started, clock);
      latest.set(report);
      if (lastError != null) {
        LOG.info("audit: the Kubernetes API answers again");
      }
      lastError = null;
      metrics.record(report);
      LOG.infof("audit: %d workloads in %d namespaces, %d would be denied under enforce (%d ms); %d outside the "
          + "webhook's selectors not judged%s",
          report.workloads(), report.namespaces().size(),
          report.namespaces().values().stream().mapToLong(AuditReport.NamespaceAudit::wouldDeny).sum(),
          report.duration().toMillis(), listing.unselected(), report.notes().isEmpty() ? "" : "; " + String.join("; ", report.notes()));
      writeReports();
      return report;
    } catch (KubernetesClientException e) {
      if (closed) {
        return latest.get(); // shutting down: the client is going away
      }
      metrics.run("failed");
      String error = "cannot list the cluster's workloads: " + AuditLeader.shortMessage(e);
      LOG.debugf(e, "audit: listing failed");
      if (lastError == null) {
        LOG.warnf("audit: %s; the previous audit stays current, next try in %s", error, settings.interval());
      }
      lastError = error;
      return latest.get();
    } finally {
      running = false;
    }
  }

  private void onLeading() {
    try {
      executor.execute(() -> {
        if (latest.get() != null) {
          writeReports(); // a new leader writes at once rather than an interval later
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down
    }
  }

  private void writeReports() {
    AuditReport report = latest.get();
    if (report == null) {
      return;
    }
    PolicyReportWriter.Outcome outcome;
    try {
      outcome = writer.write(report, leader::leading);
    } catch (RuntimeException e) {
      outcome = new PolicyReportWriter.Outcome(PolicyReportWriter.State.FAILED, AuditLeader.shortMessage(e), 0, 0);
    }
    PolicyReportWriter.Outcome previous = lastWrite;
    lastWrite = outcome;
    metrics.reports(outcome.state().name().toLowerCase(java.util.Locale.ROOT));
    if (previous != null && previous.state() == outcome.state() && outcome.state() != PolicyReportWriter.State.WRITTEN) {
      return; // said already
    }
    switch (outcome.state()) {
      case WRITTEN -> LOG.debugf("audit: PolicyReports %s", outcome.detail());
      case NOT_LEADER -> LOG.debugf("audit: not writing PolicyReports: %s", outcome.detail());
      case CRD_MISSING -> LOG.warnf("audit: %s; no PolicyReports are written (GET /audit and the metrics still show "
          + "the audit). Install the wgpolicyk8s.io CRDs, e.g. from kubernetes-sigs/wg-policy-prototypes or Kyverno", outcome.detail());
      case FORBIDDEN -> LOG.warnf("audit: cannot write PolicyReports (%s); needs RBAC get, list, create, update, "
          + "delete on wgpolicyk8s.io policyreports", outcome.detail());
      case FAILED -> LOG.warnf("audit: writing PolicyReports failed (%s); tried again at the next audit", outcome.detail());
    }
  }

  @Override
  public void close() {
    closed = true;
    leader.close();
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
