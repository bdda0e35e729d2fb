package dev.imagegate.audit;

import dev.imagegate.config.LabelSelector;
import dev.imagegate.workload.Workload;
import dev.imagegate.workload.WorkloadKind;
import dev.imagegate.workload.Workloads;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Lists what runs in the cluster and keeps each workload once.
 *
 * <ul>
 *   <li>Controllers are judged by their pod template: Deployments, StatefulSets, DaemonSets,
 *       ReplicaSets and ReplicationControllers, Jobs and CronJobs.
 *   <li>A ReplicaSet controlled by a Deployment, and a Job controlled by a CronJob, are judged
 *       through their controller (its rollout history or its runs).
 *   <li>A pod controlled by a ReplicaSet, ReplicationController, StatefulSet, DaemonSet or Job is
 *       judged through that controller; every other pod (bare pods, pods of operators) is judged
 *       itself.
 *   <li>Finished pods (Succeeded, Failed), finished Jobs and mirror pods are not judged: they run
 *       nothing, or admission never judges them.
 *   <li>Only what the webhook registration's selectors send to imagegate is judged
 *       ({@code audit.namespaceSelector} on the namespace's labels, {@code audit.objectSelector} on
 *       the workload's own), so the audit never reports what admission is never asked about.
 * </ul>
 */
final class Inventory {
  /** Page size of each list call, so a large cluster never comes back as one response. */
  static final long PAGE = 500;

  private static final Set<String> POD_CONTROLLERS = Set.of("ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job");

  /** A kind the audit lists, and which of its objects it judges themselves (not through a controller). */
  private record Audited(WorkloadKind kind, Predicate<HasMetadata> judgedItself) {}

  /** Listed in this order (the order of the notes); PodTemplates run nothing and are not listed. */
  private static final List<Audited> AUDITED = List.of(
      new Audited(WorkloadKind.DEPLOYMENT, o -> true),
      new Audited(WorkloadKind.STATEFUL_SET, o -> true),
      new Audited(WorkloadKind.DAEMON_SET, o -> true),
      new Audited(WorkloadKind.REPLICA_SET, o -> !controlledBy(o, "Deployment")),
      new Audited(WorkloadKind.REPLICATION_CONTROLLER, o -> true),
      new Audited(WorkloadKind.CRON_JOB, o -> true),
      new Audited(WorkloadKind.JOB, o -> !controlledBy(o, "CronJob") && !finished((Job) o)),
      new Audited(WorkloadKind.POD, o -> judgedAsPod((Pod) o)));

  /**
   * @param workloads every workload to judge, sorted by namespace, kind and name
   * @param notes the kinds that could not be listed (forbidden, or not served) and why
   * @param unselected workloads left out because the selectors do not select them
   */
  record Listing(List<Workload> workloads, List<String> notes, int unselected) {}

  /** The label the apiserver puts on every namespace: its name. Selectors rely on it. */
  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private Inventory() {}

  /**
   * Lists every audited kind in every namespace. A kind the API refuses (403) or does not serve
   * (404) is left out with a note; any other failure fails the listing, so that a report is never
   * written from half a cluster.
   */
  static Listing list(KubernetesClient client) {
    return list(client, LabelSelector.EVERYTHING, LabelSelector.EVERYTHING);
  }

  /**
   * Lists every audited kind in every namespace, keeping what the two selectors select. The
   * namespaces' labels are listed once per audit; if they cannot be, the namespace selector is
   * judged on the label the apiserver sets on every namespace ({@value #NAMESPACE_NAME_LABEL}) alone, with a note.
   */
  static Listing list(KubernetesClient client, LabelSelector namespaceSelector, LabelSelector objectSelector) {
    List<String> notes = new ArrayList<>();
    List<Workload> workloads = new ArrayList<>();
    Scope scope = new Scope(namespaceSelector, objectSelector,
        namespaceSelector.isEmpty() ? Map.of() : namespaceLabels(client, notes));
    for (Audited audited : AUDITED) {
      WorkloadKind kind = audited.kind();
      for (HasMetadata object : all(kind.resource(), notes, o -> client.resources(kind.type()).inAnyNamespace().list(o))) {
        if (audited.judgedItself().test(object) && kind.podSpec(object) != null && object.getMetadata() != null
            && object.getMetadata().getNamespace() != null) {
          Workload workload = Workloads.of(object);
          if (scope.selects(workload)) {
            workloads.add(workload);
          }
        }
      }
    }
    workloads.sort(Comparator.comparing(Workload::namespace).thenComparing(Workload::kind).thenComparing(Workload::name));
    return new Listing(workloads, notes, scope.unselected);
  }

  /** Namespace → its labels; empty, with a note, when the API refuses to list namespaces. */
  private static Map<String, Map<String, String>> namespaceLabels(KubernetesClient client, List<String> notes) {
    int before = notes.size();
    Map<String, Map<String, String>> labels = new HashMap<>();
    for (HasMetadata namespace : all("namespaces", notes, o -> client.namespaces().list(o))) {
      Map<String, String> own = namespace.getMetadata().getLabels();
      labels.put(namespace.getMetadata().getName(), own == null ? Map.of() : own);
    }
    if (notes.size() > before) {
      notes.add("audit.namespaceSelector judged on namespace names alone (" + NAMESPACE_NAME_LABEL + ")");
    }
    return labels;
  }

  /** What the selectors select, and how many workloads they left out. */
  private static final class Scope {
    private final LabelSelector namespaceSelector;
    private final LabelSelector objectSelector;
    private final Map<String, Map<String, String>> namespaceLabels;
    private final Map<String, Boolean> namespaceSelected = new HashMap<>();
    private int unselected;

    Scope(LabelSelector namespaceSelector, LabelSelector objectSelector, Map<String, Map<String, String>> namespaceLabels) {
      this.namespaceSelector = namespaceSelector;
      this.objectSelector = objectSelector;
      this.namespaceLabels = namespaceLabels;
    }

    boolean selects(Workload workload) {
      boolean selected = namespaceSelected.computeIfAbsent(workload.namespace(), this::namespaceSelected)
          && objectSelector.matches(workload.labels());
      if (!selected) {
        unselected++;
      }
      return selected;
    }

    /** As the apiserver sees a namespace: its labels, always with its name under {@value #NAMESPACE_NAME_LABEL}. */
    private boolean namespaceSelected(String namespace) {
      if (namespaceSelector.isEmpty()) {
        return true;
      }
      Map<String, String> labels = new HashMap<>(namespaceLabels.getOrDefault(namespace, Map.of()));
      labels.put(NAMESPACE_NAME_LABEL, namespace);
      return namespaceSelector.matches(labels);
    }
  }

  /** Whether a pod is judged itself rather than through a controller. */
  static boolean judgedAsPod(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return false;
    }
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    if (annotations != null && annotations.containsKey(Workload.MIRROR_POD_ANNOTATION)) {
      return false;
    }
    return controller(pod) == null || !POD_CONTROLLERS.contains(controller(pod).getKind());
  }

  static boolean finished(Job job) {
    if (job.getStatus() == null) {
      return false;
    }
    if (job.getStatus().getCompletionTime() != null) {
      return true;
    }
    List<JobCondition> conditions = job.getStatus().getConditions();
    return conditions != null && conditions.stream()
        .anyMatch(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus()));
  }

  private static boolean controlledBy(HasMetadata object, String kind) {
    OwnerReference owner = controller(object);
    return owner != null && kind.equals(owner.getKind());
  }

  private static OwnerReference controller(HasMetadata object) {
    List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
    if (owners == null) {
      return null;
    }
    return owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst().orElse(null);
  }

  /** Every page of a list; a kind the API refuses or does not serve comes back empty, with a note. */
  private static List<HasMetadata> all(String resource, List<String> notes,
      Function<ListOptions, ? extends KubernetesResourceList<? extends HasMetadata>> page) {
    List<HasMetadata> items = new ArrayList<>();
    String next = null;
    try {
      do {
        KubernetesResourceList<? extends HasMetadata> list = page.apply(new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build());
        items.addAll(list.getItems());
        next = list.getMetadata() == null ? null : list.getMetadata().getContinue();
      } while (next != null && !next.isEmpty());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403 || e.getCode() == 404) {
        notes.add(resource + " not listed (HTTP " + e.getCode() + (e.getCode() == 403 ? ": forbidden, check RBAC" : ": not served") + ")");
        return List.of();
      }
      throw e;
    }
    return items;
  }
}
