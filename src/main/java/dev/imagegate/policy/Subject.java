package dev.imagegate.policy;

import dev.imagegate.config.Mode;
import dev.imagegate.registry.PullContext;
import dev.imagegate.rules.ContainerContext;
import java.util.List;

/**
 * One workload to judge: what the engine needs of it, and nothing of Kubernetes.
 *
 * @param namespace the workload's namespace (for namespace exemptions), may be null
 * @param namespaceMode the namespace's own mode (label {@code imagegate.dev/mode}), or null for none
 * @param pod what the kubelet would pull the images with (namespace, service account, pull secrets)
 * @param containers the containers to judge
 */
public record Subject(String namespace, Mode namespaceMode, PullContext pod, List<ContainerContext> containers) {
  public Subject {
    pod = pod == null ? new PullContext(namespace, null, List.of()) : pod;
    containers = List.copyOf(containers);
  }

  /** A workload whose pods name no service account and no pull secret. */
  public Subject(String namespace, Mode namespaceMode, List<ContainerContext> containers) {
    this(namespace, namespaceMode, null, containers);
  }
}
