package dev.imagegate.admission;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.imagegate.config.ExceptionEntry;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.Mode;
import dev.imagegate.policy.Finding;
import dev.imagegate.text.ExternalText;
import dev.imagegate.workload.Workload;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A Kubernetes Event ({@code events.k8s.io/v1}, type Warning, reason {@code PolicyViolation}) on the
 * workload of each denied or warned admission, never for a dry run.
 *
 * <p>Never delays an admission: events are written by one background thread from a short queue
 * (full: the event is dropped and counted). At most one event per workload and action
 * ({@code Denied}/{@code Warned}) per {@code events.interval}, so a controller retrying a denied
 * pod in a loop cannot flood the API. A pod created by a controller is reported on its controller
 * (e.g. the ReplicaSet), which exists and is what {@code kubectl describe} shows. Notes carry rule
 * messages, which never hold a secret value. When an exception ends, each workload it covered gets
 * one more (reason {@code ExceptionExpired}; see {@link ExceptionExpiry}).
 */
@ApplicationScoped
public class AdmissionEvents {
  static final String REASON = "PolicyViolation";
  /** An exception that covered the workload has expired. */
  static final String EXPIRED_REASON = "ExceptionExpired";
  static final String CONTROLLER = "imagegate.dev/admission";
  /** events.k8s.io/v1 refuses notes of 1 KiB and more. */
  static final int NOTE_MAX_BYTES = 1000;
  static final int QUEUE = 100;

  private static final Logger LOG = Logger.getLogger(AdmissionEvents.class);
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final boolean enabled;
  private final Supplier<KubernetesClient> client;
  private final Cache<String, Boolean> recent;
  private final ThreadPoolExecutor writer;
  private final MeterRegistry meters;
  private final AtomicBoolean failureSaid = new AtomicBoolean();
  private final AtomicLong sequence = new AtomicLong();
  private volatile String instance;

  @Inject
  public AdmissionEvents(ImagegateConfig config, KubernetesAccess access, MeterRegistry meters) {
    this(KubernetesAccess.wanted(config.events().enabled()), config.events().interval(), access::client, meters);
  }

  public AdmissionEvents(boolean enabled, Duration interval, Supplier<KubernetesClient> client, MeterRegistry meters) {
    this.enabled = enabled;
    this.client = client;
    this.meters = meters;
    this.recent = Caffeine.newBuilder().expireAfterWrite(interval).maximumSize(50_000).build();
    this.writer = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
      Thread thread = new Thread(r, "imagegate-events");
      thread.setDaemon(true);
      return thread;
    });
    this.writer.allowCoreThreadTimeOut(true);
  }

  public boolean enabled() {
    return enabled;
  }

  /** Queues an event for a denied or warned admission; returns at once. Nothing for dry runs. */
  void record(AdmissionCall call, Decision decision) {
    try {
      queue(call, decision);
    } catch (RuntimeException e) { // an event is never worth failing an admission for
      count("failed");
      LOG.debugf("no event for admission %s: %s", call.uid(), e.getClass().getSimpleName());
    }
  }

  private void queue(AdmissionCall call, Decision decision) {
    if (!enabled || call.dryRun() || call.object() == null) {
      return;
    }
    String outcome = decision.outcome();
    if ((!"denied".equals(outcome) && !"warned".equals(outcome)) || decision.verdict().findings().isEmpty()) {
      return;
    }
    String action = "denied".equals(outcome) ? "Denied" : "Warned";
    ObjectReference regarding = regarding(call);
    if (regarding.getNamespace() == null || regarding.getNamespace().isEmpty() || regarding.getName() == null) {
      return; // cluster-scoped or nameless: nowhere to put an event
    }
    String key = regarding.getNamespace() + "/" + regarding.getKind() + "/" + regarding.getName() + "/" + action;
    if (recent.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
      count("suppressed");
      return;
    }
    try {
      writer.execute(() -> write(event(call, decision, action, regarding)));
    } catch (RejectedExecutionException e) {
      recent.invalidate(key);
      count("dropped");
    }
  }

  private void write(Event event) {
    try {
      client.get().events().v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
      count("written");
      if (failureSaid.compareAndSet(true, false)) {
        LOG.info("events: writing Events again");
      }
    } catch (KubernetesClientException | IllegalStateException e) {
      count("failed");
      if (failureSaid.compareAndSet(false, true)) {
        LOG.warnf("events: cannot create an Event in namespace %s (%s); admissions are not affected "
                + "(needs RBAC create on events.k8s.io events)", event.getMetadata().getNamespace(),
            KubernetesAccess.describe(e));
      }
    }
  }

  /** The workload to report on: the object's controller when it has one, else the object itself. */
  static ObjectReference regarding(AdmissionCall call) {
    Workload object = call.object();
    String namespace = object.namespace();
    Workload.Owner owner = object.controller();
    if (owner != null) {
      return new ObjectReferenceBuilder().withApiVersion(owner.apiVersion()).withKind(owner.kind())
          .withName(owner.name()).withUid(owner.uid()).withNamespace(namespace).build();
    }
    AdmissionCall.Kind kind = call.kind();
    String apiVersion = kind == null ? object.apiVersion() : kind.apiVersion();
    String name = call.name() != null && !call.name().isEmpty() ? call.name()
        : object.name() != null && !object.name().isEmpty() ? object.name() : object.generateName();
    return new ObjectReferenceBuilder().withApiVersion(apiVersion).withKind(kind == null ? object.kind() : kind.kind())
        .withName(name).withUid(object.uid() == null || object.uid().isEmpty() ? null : object.uid())
        .withNamespace(namespace).build();
  }

  private Event event(AdmissionCall call, Decision decision, String action, ObjectReference regarding) {
    List<Finding> findings = decision.verdict().withMode("Denied".equals(action) ? Mode.ENFORCE : Mode.WARN);
    String what = call.kind() == null ? "object" : call.kindName();
    String object = call.name() != null && !call.name().isEmpty() ? what + " " + call.name() : "a " + what;
    StringBuilder note = new StringBuilder("imagegate ").append(action.toLowerCase(Locale.ROOT)).append(' ')
        .append(call.operation()).append(" of ").append(object).append(": ")
        .append(findings.size()).append(findings.size() == 1 ? " violation" : " violations");
    for (Finding finding : findings) {
      note.append("; ").append(finding.describe());
    }
    return event(regarding, REASON, action, note.toString());
  }

  /**
   * Queues an Event (reason {@code ExceptionExpired}) on a workload an exception used to cover,
   * once it has expired; returns at once. Nothing when events are off.
   */
  void exceptionExpired(ObjectReference regarding, ExceptionEntry exception) {
    if (!enabled) {
      return;
    }
    String note = "imagegate exception \"" + exception.name() + "\" ended at the end of " + exception.expires()
        + " (UTC): violations of " + String.join(", ", exception.rules()) + " it let through now deny or warn again (its reason: "
        + exception.reason() + ")";
    try {
      writer.execute(() -> write(event(regarding, EXPIRED_REASON, "Expired", note)));
    } catch (RejectedExecutionException e) {
      count("dropped");
    }
  }

  private Event event(ObjectReference regarding, String reason, String action, String note) {
    String base = regarding.getName().length() > 200 ? regarding.getName().substring(0, 200) : regarding.getName();
    String name = (base.endsWith("-") || base.endsWith(".") ? base + "x" : base) + "."
        + Long.toHexString(System.currentTimeMillis()) + Long.toHexString(sequence.incrementAndGet());
    return new EventBuilder()
        .withNewMetadata().withName(name).withNamespace(regarding.getNamespace())
        .addToLabels("app.kubernetes.io/managed-by", "imagegate").endMetadata()
        .withEventTime(new MicroTime(MICRO_TIME.format(Instant.now())))
        .withType("Warning")
        .withReason(reason)
        .withAction(action)
        .withReportingController(CONTROLLER)
        .withReportingInstance(instance())
        .withRegarding(regarding)
        .withNote(limit(note))
        .build();
  }

  private String instance() {
    if (instance == null) {
      instance = KubernetesAccess.podName();
    }
    return instance;
  }

  /** Printable, and under the API's limit in bytes. */
  static String limit(String note) {
    String text = ExternalText.forApiserver(note);
    if (text.getBytes(StandardCharsets.UTF_8).length <= NOTE_MAX_BYTES) {
      return text;
    }
    int end = Math.min(text.length(), NOTE_MAX_BYTES - 4);
    while (end > 0 && text.substring(0, end).getBytes(StandardCharsets.UTF_8).length > NOTE_MAX_BYTES - 4) {
      end--;
    }
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + " …";
  }

  private void count(String outcome) {
    Counter.builder("imagegate.events").description("Kubernetes Events on denied or warned workloads, by outcome")
        .tag("outcome", outcome).register(meters).increment();
  }

  /** Waits (briefly) for queued events to be written: tests, and a tidy shutdown. */
  boolean drain(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (writer.getQueue().isEmpty() && writer.getActiveCount() == 0) {
        return true;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  void onStop(@Observes ShutdownEvent event) {
    drain(Duration.ofSeconds(2));
    writer.shutdownNow();
  }
}
