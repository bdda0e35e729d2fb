package dev.imagegate.audit;

import dev.imagegate.registry.PullContext;
import dev.imagegate.rules.ContainerContext;
import java.util.List;

/**
 * A workload found in the cluster: a controller judged by its pod template, or a pod that no
 * audited controller owns.
 *
 * @param apiVersion e.g. {@code apps/v1}
 * @param kind e.g. {@code Deployment}
 * @param namespace its namespace
 * @param name its name
 * @param uid its uid (for the report's resource reference), may be null
 * @param pod what its pods pull images with (service account, pull secrets)
 * @param containers the containers its pods run
 */
public record Workload(String apiVersion, String kind, String namespace, String name, String uid, PullContext pod,
    List<ContainerContext> containers) {
  public Workload {
    pod = pod == null ? new PullContext(namespace, null, List.of()) : pod;
    containers = List.copyOf(containers);
  }

  /** {@code Kind/name}, e.g. {@code Deployment/web}. */
  public String id() {
    return kind + "/" + name;
  }
}
