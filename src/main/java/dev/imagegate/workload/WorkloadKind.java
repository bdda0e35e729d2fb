package dev.imagegate.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The kinds whose objects carry a pod spec, and where in each the pod spec sits: the one table that
 * admission, the background audit and every other way in read pod specs through.
 */
public enum WorkloadKind {
  POD("", "Pod", "pods", Pod.class, o -> ((Pod) o).getSpec(), List.of("spec")),
  POD_TEMPLATE("", "PodTemplate", "podtemplates", PodTemplate.class, o -> spec(((PodTemplate) o).getTemplate()),
      List.of("template", "spec")),
  REPLICATION_CONTROLLER("", "ReplicationController", "replicationcontrollers", ReplicationController.class,
      o -> ((ReplicationController) o).getSpec() == null ? null : spec(((ReplicationController) o).getSpec().getTemplate()),
      List.of("spec", "template", "spec")),
  DEPLOYMENT("apps", "Deployment", "deployments", Deployment.class,
      o -> ((Deployment) o).getSpec() == null ? null : spec(((Deployment) o).getSpec().getTemplate()),
      List.of("spec", "template", "spec")),
  STATEFUL_SET("apps", "StatefulSet", "statefulsets", StatefulSet.class,
      o -> ((StatefulSet) o).getSpec() == null ? null : spec(((StatefulSet) o).getSpec().getTemplate()),
      List.of("spec", "template", "spec")),
  DAEMON_SET("apps", "DaemonSet", "daemonsets", DaemonSet.class,
      o -> ((DaemonSet) o).getSpec() == null ? null : spec(((DaemonSet) o).getSpec().getTemplate()),
      List.of("spec", "template", "spec")),
  REPLICA_SET("apps", "ReplicaSet", "replicasets", ReplicaSet.class,
      o -> ((ReplicaSet) o).getSpec() == null ? null : spec(((ReplicaSet) o).getSpec().getTemplate()),
      List.of("spec", "template", "spec")),
  JOB("batch", "Job", "jobs", Job.class, o -> ((Job) o).getSpec() == null ? null : spec(((Job) o).getSpec().getTemplate()),
      List.of("spec", "template", "spec")),
  CRON_JOB("batch", "CronJob", "cronjobs", CronJob.class,
      o -> ((CronJob) o).getSpec() == null ? null : jobSpec(((CronJob) o).getSpec().getJobTemplate()),
      List.of("spec", "jobTemplate", "spec", "template", "spec"));

  private static final WorkloadKind[] ALL = values();

  private final String group;
  private final String kind;
  private final String resource;
  private final Class<? extends HasMetadata> type;
  private final Function<HasMetadata, PodSpec> podSpec;
  private final List<String> podSpecPath;

  WorkloadKind(String group, String kind, String resource, Class<? extends HasMetadata> type,
      Function<HasMetadata, PodSpec> podSpec, List<String> podSpecPath) {
    this.group = group;
    this.kind = kind;
    this.resource = resource;
    this.type = type;
    this.podSpec = podSpec;
    this.podSpecPath = podSpecPath;
  }

  /** Matched on group and kind only: every served version of these kinds has the same pod spec shape. */
  public static Optional<WorkloadKind> of(String group, String kind) {
    String g = group == null ? "" : group;
    for (WorkloadKind k : ALL) { // on every admission: no stream
      if (k.kind.equals(kind) && k.group.equals(g)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** The kind of a fabric8 object by its class, or empty for a class that carries no pod spec. */
  public static Optional<WorkloadKind> of(HasMetadata object) {
    for (WorkloadKind k : ALL) {
      if (k.type.isInstance(object)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** E.g. {@code Deployment}. */
  public String kind() {
    return kind;
  }

  /** E.g. {@code apps/v1}: the version every supported Kubernetes serves. */
  public String apiVersion() {
    return group.isEmpty() ? "v1" : group + "/v1";
  }

  /** The API's plural name, e.g. {@code deployments}. */
  public String resource() {
    return resource;
  }

  /** fabric8's class for this kind. */
  public Class<? extends HasMetadata> type() {
    return type;
  }

  /** The pod spec inside {@code object}, or null when the object has none. */
  public PodSpec podSpec(HasMetadata object) {
    return podSpec.apply(object);
  }

  /** The fields from the object down to its pod spec, e.g. {@code spec.template.spec}. */
  public List<String> podSpecPath() {
    return podSpecPath;
  }

  private static PodSpec spec(PodTemplateSpec template) {
    return template == null ? null : template.getSpec();
  }

  private static PodSpec jobSpec(JobTemplateSpec template) {
    return template == null || template.getSpec() == null ? null : spec(template.getSpec().getTemplate());
  }
}
