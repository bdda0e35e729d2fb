package dev.imagegate.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.config.Mode;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.rules.ContainerContext;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Decides one AdmissionRequest: finds the pod spec of any workload kind, keeps the containers that
 * need judging, and asks the engine. Translates between Kubernetes and the engine, nothing more.
 */
@ApplicationScoped
public class AdmissionHandler {
  static final String MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

  private final PolicyEngine engine;
  private final ObjectMapper mapper;
  private final NamespaceModes namespaceModes;

  public AdmissionHandler(PolicyEngine engine, ObjectMapper mapper, NamespaceModes namespaceModes) {
    this.engine = engine;
    this.mapper = mapper;
    this.namespaceModes = namespaceModes;
  }

  CompletableFuture<Decision> decide(AdmissionRequest request, Duration budget) {
    String uid = request.getUid();
    String operation = request.getOperation();
    if (!"CREATE".equals(operation) && !"UPDATE".equals(operation)) {
      return done(Decision.skip(AdmissionResponses.allow(uid), "operation " + operation));
    }
    String subResource = request.getSubResource();
    if (subResource != null && !subResource.isEmpty() && !"ephemeralcontainers".equals(subResource)) {
      return done(Decision.skip(AdmissionResponses.allow(uid), "subresource " + subResource));
    }
    var kind = WorkloadKind.of(request.getKind());
    if (kind.isEmpty()) {
      return done(Decision.skip(AdmissionResponses.allow(uid), "kind without a pod spec"));
    }
    if (request.getObject() == null) {
      return done(unexpected(uid, operation + " of " + request.getKind().getKind() + " without an object; nothing judged"));
    }
    HasMetadata object;
    try {
      object = read(request.getObject(), kind.get());
    } catch (IllegalArgumentException e) {
      return done(unexpected(uid, "could not read the " + request.getKind().getKind() + " object; nothing judged"));
    }
    if (isMirrorPod(object)) {
      return done(Decision.skip(AdmissionResponses.allow(uid), "mirror pod"));
    }
    String namespace = namespaceOf(request, object);
    if (engine.namespaceExempt(namespace)) {
      return done(Decision.skip(AdmissionResponses.allow(uid), "namespace exempt"));
    }
    Mode namespaceMode = namespaceModes.modeOf(namespace);
    if (namespaceMode == Mode.OFF) {
      return done(Decision.skip(AdmissionResponses.allow(uid), "namespace mode off"));
    }
    PodSpec spec = kind.get().podSpec(object);
    List<ContainerContext> containers = PodContainers.of(spec);
    if ("UPDATE".equals(operation) && request.getOldObject() != null) {
      Set<String> admitted = oldImages(request.getOldObject(), kind.get());
      containers = containers.stream().filter(c -> !admitted.contains(c.image())).toList();
    }
    if (containers.isEmpty()) {
      return done(Decision.skip(AdmissionResponses.allow(uid), "no new images"));
    }
    return engine.judge(namespace, namespaceMode, PodContainers.pullContext(namespace, spec), containers, budget)
        .thenApply(verdict -> new Decision(AdmissionResponses.of(uid, verdict), verdict, null));
  }

  private HasMetadata read(Object object, WorkloadKind kind) {
    if (kind.type().isInstance(object)) {
      return kind.type().cast(object);
    }
    return mapper.convertValue(object, kind.type());
  }

  private Set<String> oldImages(Object oldObject, WorkloadKind kind) {
    try {
      PodSpec old = kind.podSpec(read(oldObject, kind));
      return PodContainers.images(old);
    } catch (IllegalArgumentException e) {
      return Set.of(); // an unreadable old object admits nothing: judge every image
    }
  }

  private static boolean isMirrorPod(HasMetadata object) {
    Map<String, String> annotations = object.getMetadata() == null ? null : object.getMetadata().getAnnotations();
    return object instanceof io.fabric8.kubernetes.api.model.Pod && annotations != null
        && annotations.containsKey(MIRROR_POD_ANNOTATION);
  }

  private static String namespaceOf(AdmissionRequest request, HasMetadata object) {
    if (request.getNamespace() != null && !request.getNamespace().isEmpty()) {
      return request.getNamespace();
    }
    return object.getMetadata() == null ? null : object.getMetadata().getNamespace();
  }

  private static Decision unexpected(String uid, String warning) {
    return Decision.skip(AdmissionResponses.allowWithWarning(uid, warning), warning);
  }

  private static CompletableFuture<Decision> done(Decision decision) {
    return CompletableFuture.completedFuture(decision);
  }
}
