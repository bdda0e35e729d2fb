package dev.imagegate.workload;

import dev.imagegate.config.Mode;
import dev.imagegate.policy.Exceptions;
import dev.imagegate.policy.Subject;
import dev.imagegate.registry.PullContext;
import dev.imagegate.rules.ContainerContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Something that runs containers, as imagegate judges it, whichever way it came in (an admission,
 * the audit's listing): only what imagegate reads of a Kubernetes object, nothing else kept.
 * Built from fabric8's model by {@link Workloads}, or field by field by the admission's streaming reader.
 *
 * @param kind e.g. {@code Deployment}
 * @param apiVersion e.g. {@code apps/v1}
 * @param namespace where it runs, may be null
 * @param name {@code metadata.name}, may be null (a pod created with only a {@code generateName})
 * @param generateName {@code metadata.generateName}, may be null
 * @param uid {@code metadata.uid}, may be null or empty (not yet set on CREATE)
 * @param labels its own labels (not its pod template's)
 * @param annotations the annotations imagegate reads ({@link #ANNOTATIONS}); others are not kept
 * @param controller its owner reference with {@code controller: true}, or null
 * @param pod what the kubelet would pull its images with (namespace, service account, pull secret names)
 * @param containers its containers, with the pod's defaults and platforms applied
 */
public record Workload(String kind, String apiVersion, String namespace, String name, String generateName, String uid,
    Map<String, String> labels, Map<String, String> annotations, Owner controller, PullContext pod,
    List<ContainerContext> containers) {
  /** Set by the kubelet on a static pod's mirror: admission never judges those (the kubelet runs them anyway). */
  public static final String MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";
  /** The annotations imagegate reads; others (kubectl's last-applied copy of the object…) are not kept. */
  public static final Set<String> ANNOTATIONS = Set.of(MIRROR_POD_ANNOTATION, Exceptions.ANNOTATION, Exceptions.REASON_ANNOTATION);
  /** The label the Deployment controller puts on a ReplicaSet's pods, and at the end of the ReplicaSet's name. */
  static final String POD_TEMPLATE_HASH = "pod-template-hash";

  public Workload {
    labels = frozen(labels);
    annotations = frozen(annotations);
    pod = pod == null ? new PullContext(namespace, null, List.of()) : pod;
    containers = List.copyOf(containers);
  }

  /** The owner that controls a workload (a pod's ReplicaSet, a ReplicaSet's Deployment…). */
  public record Owner(String apiVersion, String kind, String name, String uid) {}

  /** {@code Kind/name}, e.g. {@code Deployment/web}. */
  public String id() {
    return kind + "/" + name;
  }

  /** A static pod's mirror, which the kubelet runs whatever the apiserver answers. */
  public boolean isMirrorPod() {
    return WorkloadKind.POD.kind().equals(kind) && annotations.containsKey(MIRROR_POD_ANNOTATION);
  }

  /** Every image it runs, as written. */
  public Set<String> images() {
    Set<String> images = new LinkedHashSet<>();
    containers.forEach(c -> images.add(c.image()));
    return images;
  }

  /** The same workload in {@code namespace} (where the request says it runs), its pull context too. */
  public Workload inNamespace(String namespace) {
    if (namespace == null || namespace.equals(this.namespace)) {
      return this;
    }
    return new Workload(kind, apiVersion, namespace, name, generateName, uid, labels, annotations, controller,
        new PullContext(namespace, pod.serviceAccount(), pod.pullSecretNames()), containers);
  }

  /** The same workload keeping only the containers whose image is not in {@code images}. */
  public Workload without(Set<String> images) {
    if (images.isEmpty()) {
      return this;
    }
    return new Workload(kind, apiVersion, namespace, name, generateName, uid, labels, annotations, controller, pod,
        containers.stream().filter(c -> !images.contains(c.image())).toList());
  }

  /** What the engine judges of it, in a namespace of this mode (the label {@code imagegate.dev/mode}, or null). */
  public Subject subject(Mode namespaceMode) {
    return new Subject(namespace, namespaceMode, pod, containers, new Subject.Identity(names(), labels, annotations));
  }

  /**
   * {@code Kind/name} of itself, of its controller, and of the Deployment of a Deployment's pod (its
   * ReplicaSet is named after the Deployment and the pod's {@code pod-template-hash}): so an
   * exception for {@code Deployment/web} covers the admissions of its ReplicaSets and pods too.
   */
  List<String> names() {
    List<String> names = new ArrayList<>(3);
    if (name != null) {
      names.add(id());
    }
    if (controller != null && controller.kind() != null && controller.name() != null) {
      names.add(controller.kind() + "/" + controller.name());
      String hash = labels.get(POD_TEMPLATE_HASH);
      if (WorkloadKind.REPLICA_SET.kind().equals(controller.kind()) && hash != null && !hash.isEmpty()
          && controller.name().endsWith("-" + hash)) {
        names.add(WorkloadKind.DEPLOYMENT.kind() + "/" + controller.name().substring(0, controller.name().length() - hash.length() - 1));
      }
    }
    return names;
  }

  /** Unmodifiable; null values kept as the object wrote them. */
  private static Map<String, String> frozen(Map<String, String> map) {
    return map == null || map.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
