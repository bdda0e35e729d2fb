package dev.imagegate.audit;

import dev.imagegate.admission.ExceptionExpiry;
import dev.imagegate.admission.KubernetesAccess;
import dev.imagegate.admission.NamespaceModes;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.policy.LivePolicy;
import dev.imagegate.policy.PolicySnapshot;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Starts the background audit when {@code audit.enabled} is true; with it false (the default)
 * imagegate never lists the cluster and {@code GET /audit} says the audit is off.
 */
@ApplicationScoped
public class AuditService {
  private static final Logger LOG = Logger.getLogger(AuditService.class);

  private final ImagegateConfig config;
  private final LivePolicy policy;
  private final NamespaceModes namespaceModes;
  private final KubernetesAccess access;
  private final MeterRegistry meters;
  private final ExceptionExpiry expiry;
  private volatile Auditor auditor;
  private volatile String startError;

  /** @param config the configuration at start: the audit's settings need a restart to change */
  public AuditService(ImagegateConfig config, LivePolicy policy, NamespaceModes namespaceModes, KubernetesAccess access,
      MeterRegistry meters, ExceptionExpiry expiry) {
    this.config = config;
    this.policy = policy;
    this.namespaceModes = namespaceModes;
    this.access = access;
    this.meters = meters;
    this.expiry = expiry;
  }

  void onStart(@Observes StartupEvent event) {
    if (!config.audit().enabled()) {
      return;
    }
    try {
      KubernetesClient client = access.backgroundClient(); // lists and watches off the event loops that serve /validate
      Auditor started = new Auditor(client, policy::engine, namespaceModes::modeOf,
          namespaceModes::ready, config.audit(),
          KubernetesAccess.podNamespace(client), KubernetesAccess.podName(), meters, expiry::covered);
      started.start();
      auditor = started;
    } catch (RuntimeException e) {
      startError = AuditLeader.shortMessage(e);
      LOG.warnf("audit: cannot start (%s); admissions are not affected", startError);
    }
  }

  /** Another configuration in force: the running audit judges everything again with it. */
  void configurationChanged(@Observes PolicySnapshot snapshot) {
    Auditor current = auditor;
    if (current != null) {
      current.configurationChanged();
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    Auditor current = auditor;
    if (current != null) {
      current.close();
    }
  }

  /** Why the audit did not start although {@code audit.enabled} is true, or null. */
  public String startError() {
    return startError;
  }

  /** Each configured exception's end date by its name: shown beside the violations it lets through. */
  Map<String, LocalDate> exceptionEnds() {
    return AuditPage.ends(policy.engine().exceptions().entries());
  }

  /** The running audit, when {@code audit.enabled} is true and it started. */
  public Optional<Auditor> auditor() {
    return Optional.ofNullable(auditor);
  }
}
