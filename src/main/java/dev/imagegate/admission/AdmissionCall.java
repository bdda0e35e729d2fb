package dev.imagegate.admission;

import dev.imagegate.workload.Workload;
import dev.imagegate.workload.WorkloadKind;
import java.util.Optional;

/**
 * One admission request as imagegate reads it: what the skip rules, the decision log, the metrics
 * and Events use, and the workloads it is about. Built by {@link AdmissionReviews#read}.
 *
 * @param uid the request's uid, never blank
 * @param operation e.g. {@code CREATE}, may be null
 * @param subResource e.g. {@code ephemeralcontainers}, may be null
 * @param dryRun whether the apiserver persists nothing
 * @param kind the request's kind, may be null
 * @param namespace the request's namespace as written, may be null or empty
 * @param name the request's name as written, may be null or empty (a pod with a generateName)
 * @param object the object, in the request's namespace; null when absent or when its kind carries no pod spec
 * @param objectUnreadable whether the object was there but could not be read as its kind
 * @param oldObject the object before an UPDATE, or null (absent, unreadable, or of a kind without a pod spec)
 */
record AdmissionCall(String uid, String operation, String subResource, boolean dryRun, Kind kind, String namespace,
    String name, Workload object, boolean objectUnreadable, Workload oldObject) {

  AdmissionCall {
    if (namespace != null && !namespace.isEmpty()) {
      object = object == null ? null : object.inNamespace(namespace);
      oldObject = oldObject == null ? null : oldObject.inNamespace(namespace);
    }
  }

  /** {@code request.kind}: group, version and kind. */
  record Kind(String group, String version, String kind) {
    /** E.g. {@code apps/v1}. */
    String apiVersion() {
      return (group == null || group.isEmpty() ? "" : group + "/") + version;
    }
  }

  /** The request's kind's name, or null. */
  String kindName() {
    return kind == null ? null : kind.kind();
  }

  /** The kind as a workload kind, or empty when it carries no pod spec. */
  Optional<WorkloadKind> workloadKind() {
    return kind == null ? Optional.empty() : WorkloadKind.of(kind.group(), kind.kind());
  }
}
