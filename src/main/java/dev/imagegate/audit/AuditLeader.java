package dev.imagegate.audit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Leader election on a {@code coordination.k8s.io/v1} Lease (fabric8's LeaderElector with a
 * LeaseLock): of all replicas, only the holder audits (runs the informers) and writes reports. Losing the lease (an API outage
 * longer than the renew deadline) ends the term; the replica then runs for the lease again.
 * Trouble reaching the Lease is logged once, not at every retry.
 */
final class AuditLeader implements AutoCloseable {
  /**
   * @param leaseDuration how long a lease is valid without renewal (others wait this long after a crash)
   * @param renewDeadline how long the holder keeps trying to renew before it gives up its term
   * @param retryPeriod time between two tries
   */
  record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    /** client-go's defaults. */
    static final Timing DEFAULT = new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
  }

  private static final Logger LOG = Logger.getLogger(AuditLeader.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String leaseName;
  private final String identity;
  private final Timing timing;
  private final ScheduledExecutorService scheduler;
  private final Runnable onStartLeading;
  private final Runnable onStopLeading;
  private final AtomicBoolean leading = new AtomicBoolean();
  private final AtomicBoolean troubleSaid = new AtomicBoolean();
  private volatile String holder;
  private volatile CompletableFuture<?> term;
  private volatile boolean closed;

  AuditLeader(KubernetesClient client, String namespace, String leaseName, String identity, Timing timing,
      ScheduledExecutorService scheduler, Runnable onStartLeading, Runnable onStopLeading) {
    this.client = client;
    this.namespace = namespace;
    this.leaseName = leaseName;
    this.identity = identity;
    this.timing = timing;
    this.scheduler = scheduler;
    this.onStartLeading = onStartLeading;
    this.onStopLeading = onStopLeading;
  }

  synchronized void start() {
    if (closed) {
      return;
    }
    var config = new LeaderElectionConfigBuilder()
        .withName(leaseName)
        .withLock(new ObservedLock(new LeaseLock(namespace, leaseName, identity)))
        .withLeaseDuration(timing.leaseDuration())
        .withRenewDeadline(timing.renewDeadline())
        .withRetryPeriod(timing.retryPeriod())
        .withReleaseOnCancel(true)
        .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, leader -> holder = leader))
        .build();
    CompletableFuture<?> election = client.leaderElector().withConfig(config).build().start();
    term = election;
    election.whenComplete((ignored, error) -> {
      stopped();
      if (!closed) {
        LOG.infof("audit: lease %s/%s lost; running for it again", namespace, leaseName);
        scheduler.schedule(this::start, timing.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
      }
    });
  }

  boolean leading() {
    return leading.get();
  }

  /** The identity holding the lease as last seen, or null. */
  String holder() {
    return holder;
  }

  String identity() {
    return identity;
  }

  private void started() {
    if (leading.compareAndSet(false, true)) {
      LOG.infof("audit: %s holds the lease %s/%s: it audits and writes the PolicyReports", identity, namespace, leaseName);
      onStartLeading.run();
    }
  }

  private void stopped() {
    if (leading.compareAndSet(true, false)) {
      LOG.infof("audit: %s no longer holds the lease %s/%s", identity, namespace, leaseName);
      onStopLeading.run();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    CompletableFuture<?> current = term;
    if (current != null) {
      current.cancel(true); // releases the lease (releaseOnCancel), so another replica takes over at once
    }
    stopped();
  }

  /** The lease lock, saying once (not at every retry) when the Lease cannot be read or written. */
  private final class ObservedLock implements Lock {
    private final Lock lock;

    ObservedLock(Lock lock) {
      this.lock = lock;
    }

    @Override
    public LeaderElectionRecord get(KubernetesClient client) {
      return observe(() -> lock.get(client));
    }

    @Override
    public void create(KubernetesClient client, LeaderElectionRecord record) {
      observe(() -> {
        lock.create(client, record);
        return null;
      });
    }

    @Override
    public void update(KubernetesClient client, LeaderElectionRecord record) {
      observe(() -> {
        lock.update(client, record);
        return null;
      });
    }

    @Override
    public String identity() {
      return lock.identity();
    }

    @Override
    public String describe() {
      return lock.describe();
    }

    private <T> T observe(java.util.function.Supplier<T> call) {
      try {
        T value = call.get();
        if (troubleSaid.compareAndSet(true, false)) {
          LOG.infof("audit: the lease %s/%s can be used again", namespace, leaseName);
        }
        return value;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 && troubleSaid.compareAndSet(false, true)) {
          LOG.warnf("audit: cannot use the lease %s/%s (%s); no PolicyReports are written until it can "
              + "(needs RBAC get, create, update on coordination.k8s.io leases in %s)", namespace, leaseName,
              shortMessage(e), namespace);
        }
        throw e;
      }
    }
  }

  static String shortMessage(Throwable e) {
    return dev.imagegate.admission.KubernetesAccess.describe(e);
  }
}
