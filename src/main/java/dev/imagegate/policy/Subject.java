package dev.imagegate.policy;

import dev.imagegate.config.Mode;
import dev.imagegate.registry.PullContext;
import dev.imagegate.rules.ContainerContext;
import java.util.List;
import java.util.Map;

/**
 * One workload to judge: what the engine needs of it, and nothing of Kubernetes.
 *
 * @param namespace the workload's namespace (for namespace exemptions), may be null
 * @param namespaceMode the namespace's own mode (label {@code imagegate.dev/mode}), or null for none
 * @param pod what the kubelet would pull the images with (namespace, service account, pull secrets)
 * @param containers the containers to judge
 * @param identity what exceptions know the workload by
 */
public record Subject(String namespace, Mode namespaceMode, PullContext pod, List<ContainerContext> containers, Identity identity) {
  public Subject {
    pod = pod == null ? new PullContext(namespace, null, List.of()) : pod;
    containers = List.copyOf(containers);
    identity = identity == null ? Identity.NONE : identity;
  }

  /** A workload known by no name, label or annotation. */
  public Subject(String namespace, Mode namespaceMode, PullContext pod, List<ContainerContext> containers) {
    this(namespace, namespaceMode, pod, containers, null);
  }

  /** A workload whose pods name no service account and no pull secret. */
  public Subject(String namespace, Mode namespaceMode, List<ContainerContext> containers) {
    this(namespace, namespaceMode, null, containers);
  }

  /**
   * @param names {@code Kind/name} of the workload and of the workloads known to control it
   *     (e.g. {@code Pod/web-5d9c7-x2x7k}, {@code ReplicaSet/web-5d9c7}, {@code Deployment/web})
   * @param labels the workload's own labels
   * @param annotations the exception annotations it carries ({@link Exceptions#ANNOTATION}, {@link Exceptions#REASON_ANNOTATION})
   */
  public record Identity(List<String> names, Map<String, String> labels, Map<String, String> annotations) {
    public static final Identity NONE = new Identity(List.of(), Map.of(), Map.of());

    public Identity {
      names = List.copyOf(names);
      labels = labels == null ? Map.of() : labels;
      annotations = annotations == null ? Map.of() : annotations;
    }
  }
}
