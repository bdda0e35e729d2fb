package dev.imagegate.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.Mode;
import dev.imagegate.policy.Finding;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
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
 * messages, which never hold a secret value.
 */
@ApplicationScoped
public class AdmissionEvents {
  static final String REASON = "PolicyViolation";
  static final String CONTROLLER = "imagegate.dev/admission";
  /** events.k8s.io/v1 refuses notes of 1 KiB and more. */
  static final int NOTE_MAX_BYTES = 1000;
  static final int QUEUE = 100;

  private static final Logger LOG = Logger.getLogger(AdmissionEvents.class);
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final boolean enabled;
  private final Supplier<KubernetesClient> client;
  private final ObjectMapper mapper;
  private final Cache<String, Boolean> recent;
  private final ThreadPoolExecutor writer;
  private final MeterRegistry meters;
  private final AtomicBoolean failureSaid = new AtomicBoolean();
  private final AtomicLong sequence = new AtomicLong();
  private volatile String instance;

  @Inject
  public AdmissionEvents(ImagegateConfig config, KubernetesAccess access, ObjectMapper mapper, MeterRegistry meters) {
    this(KubernetesAccess.wanted(config.events().enabled()), config.events().interval(), access::client, mapper, meters);
  }

  public AdmissionEvents(boolean enabled, Duration interval, Supplier<KubernetesClient> client, ObjectMapper mapper,
      MeterRegistry meters) {
    this.enabled = enabled;
    this.client = client;
    this.mapper = mapper;
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
  void record(AdmissionRequest request, Decision decision) {
    try {
      queue(request, decision);
    } catch (RuntimeException e) { // an event is never worth failing an admission for
      count("failed");
      LOG.debugf("no event for admission %s: %s", request.getUid(), e.getClass().getSimpleName());
    }
  }

  private void queue(AdmissionRequest request, Decision decision) {
    if (!enabled || Boolean.TRUE.equals(request.getDryRun()) || request.getObject() == null) {
      return;
    }
    String outcome = decision.outcome();
    if ((!"denied".equals(outcome) && !"warned".equals(outcome)) || decision.verdict().findings().isEmpty()) {
      return;
    }
    String action = "denied".equals(outcome) ? "Denied" : "Warned";
    ObjectReference regarding = regarding(request);
    if (regarding.getNamespace() == null || regarding.getNamespace().isEmpty() || regarding.getName() == null) {
      return; // cluster-scoped or nameless: nowhere to put an event
    }
    String key = regarding.getNamespace() + "/" + regarding.getKind() + "/" + regarding.getName() + "/" + action;
    if (recent.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
      count("suppressed");
      return;
    }
    try {
      writer.execute(() -> write(event(request, decision, action, regarding)));
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
  private ObjectReference regarding(AdmissionRequest request) {
    HasMetadata object = request.getObject() instanceof HasMetadata typed
        ? typed : mapper.convertValue(request.getObject(), GenericKubernetesResource.class);
    ObjectMeta meta = object.getMetadata() == null ? new ObjectMeta() : object.getMetadata();
    String namespace = request.getNamespace() != null && !request.getNamespace().isEmpty() ? request.getNamespace() : meta.getNamespace();
    if (meta.getOwnerReferences() != null) {
      for (OwnerReference owner : meta.getOwnerReferences()) {
        if (Boolean.TRUE.equals(owner.getController())) {
          return new ObjectReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
              .withName(owner.getName()).withUid(owner.getUid()).withNamespace(namespace).build();
        }
      }
    }
    var kind = request.getKind();
    String apiVersion = kind == null ? object.getApiVersion()
        : (kind.getGroup() == null || kind.getGroup().isEmpty() ? "" : kind.getGroup() + "/") + kind.getVersion();
    String name = request.getName() != null && !request.getName().isEmpty() ? request.getName()
        : meta.getName() != null && !meta.getName().isEmpty() ? meta.getName() : meta.getGenerateName();
    return new ObjectReferenceBuilder().withApiVersion(apiVersion).withKind(kind == null ? object.getKind() : kind.getKind())
        .withName(name).withUid(meta.getUid() == null || meta.getUid().isEmpty() ? null : meta.getUid())
        .withNamespace(namespace).build();
  }

  private Event event(AdmissionRequest request, Decision decision, String action, ObjectReference regarding) {
    List<Finding> findings = decision.verdict().withMode("Denied".equals(action) ? Mode.ENFORCE : Mode.WARN);
    String what = request.getKind() == null ? "object" : request.getKind().getKind();
    String object = request.getName() != null && !request.getName().isEmpty() ? what + " " + request.getName() : "a " + what;
    StringBuilder note = new StringBuilder("imagegate ").append(action.toLowerCase(Locale.ROOT)).append(' ')
        .append(request.getOperation()).append(" of ").append(object).append(": ")
        .append(findings.size()).append(findings.size() == 1 ? " violation" : " violations");
    for (Finding finding : findings) {
      note.append("; ").append(finding.describe());
    }
    String base = regarding.getName().length() > 200 ? regarding.getName().substring(0, 200) : regarding.getName();
    String name = (base.endsWith("-") || base.endsWith(".") ? base + "x" : base) + "."
        + Long.toHexString(System.currentTimeMillis()) + Long.toHexString(sequence.incrementAndGet());
    return new EventBuilder()
        .withNewMetadata().withName(name).withNamespace(regarding.getNamespace())
        .addToLabels("app.kubernetes.io/managed-by", "imagegate").endMetadata()
        .withEventTime(new MicroTime(MICRO_TIME.format(Instant.now())))
        .withType("Warning")
        .withReason(REASON)
        .withAction(action)
        .withReportingController(CONTROLLER)
        .withReportingInstance(instance())
        .withRegarding(regarding)
        .withNote(limit(note.toString()))
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
    String text = Printable.of(note);
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
