package dev.imagegate.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.HashMap;
import java.util.Map;

/** Builds {@link Workload}s from fabric8's model: the one place metadata and a pod spec become a workload. */
public final class Workloads {
  private Workloads() {}

  /**
   * A fabric8 object of a workload kind (listed by the audit, read from a review or a file).
   *
   * @throws IllegalArgumentException when its class carries no pod spec
   */
  public static Workload of(HasMetadata object) {
    WorkloadKind kind = WorkloadKind.of(object)
        .orElseThrow(() -> new IllegalArgumentException(object.getClass().getSimpleName() + " carries no pod spec"));
    return of(kind, object.getApiVersion(), object.getMetadata(), kind.podSpec(object));
  }

  /**
   * A workload of {@code kind} from its metadata and pod spec; both may be null (nothing to judge).
   *
   * @param apiVersion as the object wrote it, or null for the kind's {@link WorkloadKind#apiVersion()}
   */
  public static Workload of(WorkloadKind kind, String apiVersion, ObjectMeta meta, PodSpec spec) {
    ObjectMeta m = meta == null ? new ObjectMeta() : meta;
    String namespace = m.getNamespace();
    return new Workload(kind.kind(), apiVersion == null ? kind.apiVersion() : apiVersion, namespace, m.getName(),
        m.getGenerateName(), m.getUid(), m.getLabels(), read(m.getAnnotations()), controller(m),
        PodContainers.pullContext(namespace, spec), PodContainers.of(spec));
  }

  private static Map<String, String> read(Map<String, String> annotations) {
    if (annotations == null || annotations.isEmpty()) {
      return Map.of();
    }
    Map<String, String> kept = new HashMap<>(2);
    for (String key : Workload.ANNOTATIONS) {
      if (annotations.containsKey(key)) {
        kept.put(key, annotations.get(key));
      }
    }
    return kept;
  }

  private static Workload.Owner controller(ObjectMeta meta) {
    if (meta.getOwnerReferences() != null) {
      for (OwnerReference owner : meta.getOwnerReferences()) {
        if (owner != null && Boolean.TRUE.equals(owner.getController())) {
          return new Workload.Owner(owner.getApiVersion(), owner.getKind(), owner.getName(), owner.getUid());
        }
      }
    }
    return null;
  }
}
