package dev.imagegate.admission;

import dev.imagegate.config.ExceptionEntry;
import dev.imagegate.policy.Excepted;
import dev.imagegate.policy.LivePolicy;
import dev.imagegate.policy.PolicySnapshot;
import dev.imagegate.policy.Verdict;
import dev.imagegate.workload.Workload;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Says when an exception with an {@code expires} date has ended. The engine stops applying it at
 * once by its own clock; this says so: the gauge {@code imagegate_exception_expired{exception}}
 * (1 once ended, read at each scrape), one log line per exception, and an Event
 * ({@link AdmissionEvents#exceptionExpired}) on each workload it let through since start, at
 * admission or in the background audit ({@value #REMEMBERED} at most per exception), when Events are on.
 * Follows the configuration in force: a reloaded list of exceptions replaces the one watched.
 */
@ApplicationScoped
public class ExceptionExpiry {
  /** Workloads remembered per exception: enough to tell the teams concerned, bounded whatever the traffic. */
  static final int REMEMBERED = 50;
  /** How often ended exceptions are looked for. */
  static final Duration CHECK_EVERY = Duration.ofSeconds(30);

  private static final Logger LOG = Logger.getLogger(ExceptionExpiry.class);

  private final Clock clock;
  private final AdmissionEvents events;
  private final MeterRegistry meters;
  /** The exceptions with an end; replaced whole when the configuration is. */
  private volatile List<ExceptionEntry> ending = List.of();
  /** Exception name → its gauge, for the exceptions configured. */
  private final Map<String, Gauge> gauges = new LinkedHashMap<>();
  private final Map<String, ExceptionEntry> watched = new LinkedHashMap<>();
  /** Exception name → the workloads it covered, by namespace/kind/name; absent once announced. */
  private final Map<String, Map<String, ObjectReference>> covered = new ConcurrentHashMap<>();
  private final Set<String> announced = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService checker;

  @Inject
  public ExceptionExpiry(LivePolicy policy, AdmissionEvents events, MeterRegistry meters) {
    this(policy.engine().exceptions().entries(), Clock.systemUTC(), events, meters);
  }

  ExceptionExpiry(List<ExceptionEntry> exceptions, Clock clock, AdmissionEvents events, MeterRegistry meters) {
    this.clock = clock;
    this.events = events;
    this.meters = meters;
    watch(exceptions);
  }

  /** A reloaded configuration: its exceptions are the ones watched from now on. */
  void configurationChanged(@Observes PolicySnapshot snapshot) {
    watch(snapshot.engine().exceptions().entries());
    check();
  }

  /**
   * Watches these exceptions: a gauge each (an exception gone loses its gauge, a changed one gets a
   * new one), and one that was announced as ended but has been extended may be announced again.
   */
  synchronized void watch(List<ExceptionEntry> exceptions) {
    Map<String, ExceptionEntry> now = new LinkedHashMap<>();
    exceptions.forEach(exception -> now.put(exception.name(), exception));
    for (Map.Entry<String, ExceptionEntry> before : Map.copyOf(watched).entrySet()) {
      if (!before.getValue().equals(now.get(before.getKey()))) {
        meters.remove(gauges.remove(before.getKey()));
        watched.remove(before.getKey());
        announced.remove(before.getKey());
        if (!now.containsKey(before.getKey())) {
          covered.remove(before.getKey());
        }
      }
    }
    for (ExceptionEntry exception : exceptions) {
      if (!watched.containsKey(exception.name())) {
        watched.put(exception.name(), exception);
        gauges.put(exception.name(), Gauge.builder("imagegate.exception.expired", () -> exception.expiredAt(clock.instant()) ? 1 : 0)
            .description("1 once the exception's expires day has ended (UTC): it no longer applies")
            .tag("exception", exception.name()).register(meters));
      }
    }
    this.ending = exceptions.stream().filter(e -> e.expires() != null).toList();
  }

  void onStart(@Observes StartupEvent event) {
    check();
    // Always: a reloaded configuration may bring exceptions with an end.
    checker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "imagegate-exception-expiry");
      thread.setDaemon(true);
      return thread;
    });
    checker.scheduleWithFixedDelay(this::check, CHECK_EVERY.toSeconds(), CHECK_EVERY.toSeconds(), TimeUnit.SECONDS);
  }

  void onStop(@Observes ShutdownEvent event) {
    if (checker != null) {
      checker.shutdownNow();
    }
  }

  /** Remembers the workload each exception with an end let through in this admission (not for dry runs). */
  void record(AdmissionCall call, Decision decision) {
    Verdict verdict = decision.verdict();
    if (verdict.excepted().isEmpty() || call.dryRun() || call.object() == null || ending.isEmpty()) {
      return;
    }
    remember(AdmissionEvents.regarding(call), verdict.excepted());
  }

  /** Remembers a running workload the background audit found covered (by the controller it is judged through). */
  public void covered(Workload workload, List<Excepted> excepted) {
    if (ending.isEmpty() || workload.name() == null) {
      return;
    }
    remember(new ObjectReferenceBuilder().withApiVersion(workload.apiVersion()).withKind(workload.kind())
        .withName(workload.name()).withUid(workload.uid() == null || workload.uid().isEmpty() ? null : workload.uid())
        .withNamespace(workload.namespace()).build(), excepted);
  }

  private void remember(ObjectReference regarding, List<Excepted> excepted) {
    if (regarding.getNamespace() == null || regarding.getNamespace().isEmpty() || regarding.getName() == null) {
      return; // nowhere to put an Event
    }
    String key = regarding.getNamespace() + "/" + regarding.getKind() + "/" + regarding.getName();
    for (Excepted one : excepted) {
      String name = one.exception();
      if (announced.contains(name) || ending.stream().noneMatch(e -> e.name().equals(name))) {
        continue;
      }
      Map<String, ObjectReference> workloads = covered.computeIfAbsent(name, n -> new LinkedHashMap<>());
      synchronized (workloads) {
        if (workloads.size() < REMEMBERED || workloads.containsKey(key)) {
          workloads.put(key, regarding);
        }
      }
    }
  }

  /** Announces each exception that has ended since the last check: once. */
  void check() {
    try {
      for (ExceptionEntry exception : ending) {
        if (!exception.expiredAt(clock.instant()) || !announced.add(exception.name())) {
          continue;
        }
        List<ObjectReference> told = List.of();
        Map<String, ObjectReference> workloads = covered.remove(exception.name());
        if (workloads != null && events.enabled()) {
          synchronized (workloads) {
            told = List.copyOf(workloads.values());
          }
        }
        LOG.warnf("exception \"%s\" ended at the end of %s (UTC) and no longer applies: violations of %s it let through "
                + "deny or warn again%s", exception.name(), exception.expires(), exception.rules(),
            told.isEmpty() ? "" : "; an Event goes to the " + told.size() + " workload(s) it covered since start");
        told.forEach(regarding -> events.exceptionExpired(regarding, exception));
      }
    } catch (RuntimeException e) { // a scheduled task that throws is never run again
      LOG.warnf("checking exception expiry failed: %s", e.toString());
    }
  }
}
