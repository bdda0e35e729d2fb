package dev.imagegate.audit;

import dev.imagegate.config.LabelSelector;
import dev.imagegate.workload.Workload;
import dev.imagegate.workload.WorkloadKind;
import dev.imagegate.workload.Workloads;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What runs in the cluster, kept up to date by informers (one list at start, then watch events)
 * while this replica holds the audit lease; each workload once, as a trimmed {@link Workload}.
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
 *
 * <p>Memory: the informers' stores keep a key and a resourceVersion per object ({@link TrimmedStore});
 * the full object is read once, as it arrives, into a {@link Workload} for what is judged itself, and
 * into nothing for the rest (a Deployment's ReplicaSets and pods).
 */
final class Inventory implements AutoCloseable {
  /** Page size of the informers' lists, so a large cluster never comes back as one response. */
  static final long PAGE = 500;
  /**
   * Page size of the pods' list: pods are the bulk of a cluster and the largest objects (~7 KB of
   * JSON as the apiserver sends them, several times that unmarshalled), and a page is held whole
   * while its pods are trimmed; smaller pages lower the heap's peak during the first list, for more
   * (smaller) list requests at start and on a re-list only.
   */
  static final long POD_PAGE = 100;

  /** The label the apiserver puts on every namespace: its name. Selectors rely on it. */
  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private static final Set<String> POD_CONTROLLERS = Set.of("ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job");

  /** A kind the audit watches, and which of its objects it judges themselves (not through a controller). */
  private record Audited(WorkloadKind kind, Predicate<HasMetadata> judgedItself) {}

  /** Watched in this order (the order of the notes); PodTemplates run nothing and are not watched. */
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

  private final KubernetesClient client;
  private final LabelSelector namespaceSelector;
  private final LabelSelector objectSelector;
  private final Consumer<String> changed;
  private final BiConsumer<String, String> events;
  /** Key ({@link #key}) → each workload judged itself, selected or not (labels may change). */
  private final Map<String, Workload> workloads = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> namespaceLabels = new ConcurrentHashMap<>();
  /** Resource → why it is not listed. */
  private final Map<String, String> refused = new ConcurrentHashMap<>();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final CompletableFuture<Void> synced;

  /**
   * Starts one informer per audited kind (and one on namespaces when {@code namespaceSelector}
   * reads their labels); returns at once.
   *
   * @param changed told the key of every workload whose trimmed record changed, appeared or went
   * @param events told (kind, add|update|delete) of every informer event
   */
  Inventory(KubernetesClient client, LabelSelector namespaceSelector, LabelSelector objectSelector, Consumer<String> changed,
      BiConsumer<String, String> events) {
    this.client = client;
    this.namespaceSelector = namespaceSelector;
    this.objectSelector = objectSelector;
    this.changed = changed;
    this.events = events;
    List<CompletableFuture<Void>> starts = new ArrayList<>();
    try {
      if (!namespaceSelector.isEmpty()) {
        starts.add(informNamespaces());
      }
      for (Audited audited : AUDITED) {
        starts.add(inform(audited));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    synced = CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new));
  }

  /** Completes once every kind is listed (or refused, with a note); exceptionally when listing failed. */
  CompletableFuture<Void> synced() {
    return synced;
  }

  /** Informers running: one per audited kind (and namespaces), none once closed. */
  synchronized int informers() {
    return informers.size();
  }

  static String key(String kind, String namespace, String name) {
    return kind + "/" + namespace + "/" + name;
  }

  static String key(Workload workload) {
    return key(workload.kind(), workload.namespace(), workload.name());
  }

  /** The workload under {@code key} when it is judged and selected; null when gone or not selected. */
  Workload selected(String key) {
    Workload workload = workloads.get(key);
    return workload != null && selects(workload) ? workload : null;
  }

  /** Every workload to judge now. */
  Listing listing() {
    List<Workload> selected = new ArrayList<>();
    int unselected = 0;
    for (Workload workload : workloads.values()) {
      if (selects(workload)) {
        selected.add(workload);
      } else {
        unselected++;
      }
    }
    selected.sort(Comparator.comparing(Workload::namespace).thenComparing(Workload::kind).thenComparing(Workload::name));
    return new Listing(selected, notes(), unselected);
  }

  /** What the audit cannot see (kinds refused or not served), in the order of the kinds. */
  List<String> notes() {
    List<String> notes = new ArrayList<>();
    for (Audited audited : AUDITED) {
      String note = refused.get(audited.kind().resource());
      if (note != null) {
        notes.add(note);
      }
    }
    String namespaces = refused.get("namespaces");
    if (namespaces != null) {
      notes.add(namespaces);
      notes.add("audit.namespaceSelector judged on namespace names alone (" + NAMESPACE_NAME_LABEL + ")");
    }
    return notes;
  }

  private boolean selects(Workload workload) {
    return namespaceSelected(workload.namespace()) && objectSelector.matches(workload.labels());
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

  @SuppressWarnings("unchecked")
  private <T extends HasMetadata> CompletableFuture<Void> inform(Audited audited) {
    WorkloadKind kind = audited.kind();
    Class<T> type = (Class<T>) kind.type();
    long page = kind == WorkloadKind.POD ? POD_PAGE : PAGE;
    return start(kind.resource(), client.resources(type).inAnyNamespace().withLimit(page).runnableInformer(0),
        new TrimmedStore<>(type, new TrimmedStore.Sink<T>() {
          @Override
          public void put(T object, boolean added) {
            events.accept(kind.kind(), added ? "add" : "update");
            Inventory.this.put(audited, object);
          }

          @Override
          public void removed(String namespaceAndName) {
            events.accept(kind.kind(), "delete");
            String key = kind.kind() + "/" + namespaceAndName;
            if (workloads.remove(key) != null) {
              changed.accept(key);
            }
          }
        }));
  }

  private void put(Audited audited, HasMetadata object) {
    WorkloadKind kind = audited.kind();
    String namespace = object.getMetadata() == null ? null : object.getMetadata().getNamespace();
    if (namespace == null) {
      return;
    }
    String key = key(kind.kind(), namespace, object.getMetadata().getName());
    if (audited.judgedItself().test(object) && kind.podSpec(object) != null) {
      Workload workload = Workloads.of(object);
      if (!workload.equals(workloads.put(key, workload))) { // a status update changes nothing the rules read
        changed.accept(key);
      }
    } else if (workloads.remove(key) != null) { // finished, or adopted by a controller
      changed.accept(key);
    }
  }

  private CompletableFuture<Void> informNamespaces() {
    return start("namespaces", client.namespaces().withLimit(PAGE).runnableInformer(0),
        new TrimmedStore<>(Namespace.class, new TrimmedStore.Sink<Namespace>() {
          @Override
          public void put(Namespace namespace, boolean added) {
            events.accept("Namespace", added ? "add" : "update");
            labels(namespace);
          }

          @Override
          public void removed(String name) {
            events.accept("Namespace", "delete");
            namespaceLabels.remove(name);
          }
        }));
  }

  /** A namespace's labels; when they change, its workloads are judged again (they may enter or leave the selection). */
  private void labels(Namespace namespace) {
    String name = namespace.getMetadata().getName();
    Map<String, String> own = namespace.getMetadata().getLabels() == null ? Map.of() : Map.copyOf(namespace.getMetadata().getLabels());
    Map<String, String> before = namespaceLabels.put(name, own);
    if (before != null && !before.equals(own)) {
      workloads.forEach((key, workload) -> {
        if (name.equals(workload.namespace())) {
          changed.accept(key);
        }
      });
    }
  }

  /** Starts an informer with a trimmed store; a kind the API refuses (403) or does not serve (404) is left out with a note. */
  private synchronized <T extends HasMetadata> CompletableFuture<Void> start(String resource, SharedIndexInformer<T> informer,
      TrimmedStore<T> store) {
    informer.itemStore(store);
    informer.removeNamespaceIndex();
    informer.exceptionHandler((started, error) -> refusal(error) == 0); // others: retry with the informer's back-off
    informers.add(informer);
    return informer.start().toCompletableFuture().handle((ignored, error) -> {
      if (error == null) {
        return null;
      }
      int code = refusal(error);
      if (code == 0) {
        throw error instanceof RuntimeException r ? r : new IllegalStateException(error);
      }
      refused.put(resource, resource + " not listed (HTTP " + code + (code == 403 ? ": forbidden, check RBAC" : ": not served") + ")");
      return null;
    });
  }

  /** 403 or 404 when the API refuses or does not serve a kind, else 0. */
  private static int refusal(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && (k.getCode() == 403 || k.getCode() == 404)) {
        return k.getCode();
      }
    }
    return 0;
  }

  /** Stops every informer and drops what they kept. */
  @Override
  public synchronized void close() {
    informers.forEach(SharedIndexInformer::close);
    informers.clear();
    workloads.clear();
    namespaceLabels.clear();
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
}
