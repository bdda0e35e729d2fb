package dev.imagegate.admission;

import dev.imagegate.config.Mode;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.workload.Workload;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Decides one admission request: skips what needs no judging, keeps the containers whose images are
 * new, and asks the engine. Translates between Kubernetes and the engine, nothing more.
 */
@ApplicationScoped
public class AdmissionHandler {
  private final NamespaceModes namespaceModes;

  public AdmissionHandler(NamespaceModes namespaceModes) {
    this.namespaceModes = namespaceModes;
  }

  /** @param engine the engine of the configuration this admission took at its start: the only one it uses */
  CompletableFuture<Decision> decide(AdmissionCall call, Duration budget, PolicyEngine engine) {
    String uid = call.uid();
    String operation = call.operation();
    if (!"CREATE".equals(operation) && !"UPDATE".equals(operation)) {
      return done(Decision.skip(AdmissionResponses.allow(uid), "operation " + operation));
    }
    String subResource = call.subResource();
    if (subResource != null && !subResource.isEmpty() && !"ephemeralcontainers".equals(subResource)) {
      return done(Decision.skip(AdmissionResponses.allow(uid), "subresource " + subResource));
    }
    if (call.workloadKind().isEmpty()) {
      return done(Decision.skip(AdmissionResponses.allow(uid), "kind without a pod spec"));
    }
    if (call.objectUnreadable()) {
      return done(unexpected(uid, "could not read the " + call.kindName() + " object; nothing judged"));
    }
    Workload workload = call.object();
    if (workload == null) {
      return done(unexpected(uid, operation + " of " + call.kindName() + " without an object; nothing judged"));
    }
    if (workload.isMirrorPod()) {
      return done(Decision.skip(AdmissionResponses.allow(uid), "mirror pod"));
    }
    if (engine.namespaceExempt(workload.namespace())) {
      return done(Decision.skip(AdmissionResponses.allow(uid), "namespace exempt"));
    }
    Mode namespaceMode = namespaceModes.modeOf(workload.namespace());
    if (namespaceMode == Mode.OFF) {
      return done(Decision.skip(AdmissionResponses.allow(uid), "namespace mode off"));
    }
    if ("UPDATE".equals(operation) && call.oldObject() != null) {
      workload = workload.without(call.oldObject().images()); // already admitted
    }
    if (workload.containers().isEmpty()) {
      return done(Decision.skip(AdmissionResponses.allow(uid), "no new images"));
    }
    return engine.judge(workload.subject(namespaceMode), budget)
        .thenApply(verdict -> new Decision(AdmissionResponses.of(uid, verdict), verdict, null));
  }

  private static Decision unexpected(String uid, String warning) {
    return Decision.skip(AdmissionResponses.allowWithWarning(uid, warning), warning);
  }

  private static CompletableFuture<Decision> done(Decision decision) {
    return CompletableFuture.completedFuture(decision);
  }
}
