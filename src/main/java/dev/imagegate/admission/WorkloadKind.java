package dev.imagegate.admission;

import io.fabric8.kubernetes.api.model.GroupVersionKind;
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
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/** The kinds whose objects carry a pod spec, and where in each the pod spec sits. */
enum WorkloadKind {
  POD("", "Pod", Pod.class, o -> ((Pod) o).getSpec()),
  POD_TEMPLATE("", "PodTemplate", PodTemplate.class, o -> spec(((PodTemplate) o).getTemplate())),
  REPLICATION_CONTROLLER("", "ReplicationController", ReplicationController.class,
      o -> ((ReplicationController) o).getSpec() == null ? null : spec(((ReplicationController) o).getSpec().getTemplate())),
  DEPLOYMENT("apps", "Deployment", Deployment.class,
      o -> ((Deployment) o).getSpec() == null ? null : spec(((Deployment) o).getSpec().getTemplate())),
  STATEFUL_SET("apps", "StatefulSet", StatefulSet.class,
      o -> ((StatefulSet) o).getSpec() == null ? null : spec(((StatefulSet) o).getSpec().getTemplate())),
  DAEMON_SET("apps", "DaemonSet", DaemonSet.class,
      o -> ((DaemonSet) o).getSpec() == null ? null : spec(((DaemonSet) o).getSpec().getTemplate())),
  REPLICA_SET("apps", "ReplicaSet", ReplicaSet.class,
      o -> ((ReplicaSet) o).getSpec() == null ? null : spec(((ReplicaSet) o).getSpec().getTemplate())),
  JOB("batch", "Job", Job.class, o -> ((Job) o).getSpec() == null ? null : spec(((Job) o).getSpec().getTemplate())),
  CRON_JOB("batch", "CronJob", CronJob.class, o -> ((CronJob) o).getSpec() == null ? null : jobSpec(((CronJob) o).getSpec().getJobTemplate()));

  private final String group;
  private final String kind;
  private final Class<? extends HasMetadata> type;
  private final Function<HasMetadata, PodSpec> podSpec;

  WorkloadKind(String group, String kind, Class<? extends HasMetadata> type, Function<HasMetadata, PodSpec> podSpec) {
    this.group = group;
    this.kind = kind;
    this.type = type;
    this.podSpec = podSpec;
  }

  /** Matched on group and kind only: every served version of these kinds has the same pod spec shape. */
  static Optional<WorkloadKind> of(GroupVersionKind gvk) {
    if (gvk == null) {
      return Optional.empty();
    }
    String group = gvk.getGroup() == null ? "" : gvk.getGroup();
    return Arrays.stream(values()).filter(k -> k.group.equals(group) && k.kind.equals(gvk.getKind())).findFirst();
  }

  Class<? extends HasMetadata> type() {
    return type;
  }

  /** The pod spec inside {@code object}, or null when the object has none. */
  PodSpec podSpec(HasMetadata object) {
    return podSpec.apply(object);
  }

  private static PodSpec spec(PodTemplateSpec template) {
    return template == null ? null : template.getSpec();
  }

  private static PodSpec jobSpec(JobTemplateSpec template) {
    return template == null || template.getSpec() == null ? null : spec(template.getSpec().getTemplate());
  }
}
