package dev.imagegate.admission;

import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/** The kinds whose objects carry a pod spec, and where in each the pod spec sits. */
enum WorkloadKind {
  POD("", "Pod", Pod.class, o -> ((Pod) o).getSpec(), List.of("spec"), (meta, spec) -> {
    Pod pod = new Pod();
    pod.setMetadata(meta);
    pod.setSpec(spec);
    return pod;
  }),
  POD_TEMPLATE("", "PodTemplate", PodTemplate.class, o -> spec(((PodTemplate) o).getTemplate()), List.of("template", "spec"),
      (meta, spec) -> {
        PodTemplate template = new PodTemplate();
        template.setMetadata(meta);
        template.setTemplate(template(spec));
        return template;
      }),
  REPLICATION_CONTROLLER("", "ReplicationController", ReplicationController.class,
      o -> ((ReplicationController) o).getSpec() == null ? null : spec(((ReplicationController) o).getSpec().getTemplate()),
      List.of("spec", "template", "spec"), (meta, spec) -> {
        ReplicationControllerSpec controller = new ReplicationControllerSpec();
        controller.setTemplate(template(spec));
        return new ReplicationController("v1", "ReplicationController", meta, controller, null);
      }),
  DEPLOYMENT("apps", "Deployment", Deployment.class,
      o -> ((Deployment) o).getSpec() == null ? null : spec(((Deployment) o).getSpec().getTemplate()),
      List.of("spec", "template", "spec"), (meta, spec) -> {
        DeploymentSpec deployment = new DeploymentSpec();
        deployment.setTemplate(template(spec));
        return new Deployment("apps/v1", "Deployment", meta, deployment, null);
      }),
  STATEFUL_SET("apps", "StatefulSet", StatefulSet.class,
      o -> ((StatefulSet) o).getSpec() == null ? null : spec(((StatefulSet) o).getSpec().getTemplate()),
      List.of("spec", "template", "spec"), (meta, spec) -> {
        StatefulSetSpec set = new StatefulSetSpec();
        set.setTemplate(template(spec));
        return new StatefulSet("apps/v1", "StatefulSet", meta, set, null);
      }),
  DAEMON_SET("apps", "DaemonSet", DaemonSet.class,
      o -> ((DaemonSet) o).getSpec() == null ? null : spec(((DaemonSet) o).getSpec().getTemplate()),
      List.of("spec", "template", "spec"), (meta, spec) -> {
        DaemonSetSpec set = new DaemonSetSpec();
        set.setTemplate(template(spec));
        return new DaemonSet("apps/v1", "DaemonSet", meta, set, null);
      }),
  REPLICA_SET("apps", "ReplicaSet", ReplicaSet.class,
      o -> ((ReplicaSet) o).getSpec() == null ? null : spec(((ReplicaSet) o).getSpec().getTemplate()),
      List.of("spec", "template", "spec"), (meta, spec) -> {
        ReplicaSetSpec set = new ReplicaSetSpec();
        set.setTemplate(template(spec));
        return new ReplicaSet("apps/v1", "ReplicaSet", meta, set, null);
      }),
  JOB("batch", "Job", Job.class, o -> ((Job) o).getSpec() == null ? null : spec(((Job) o).getSpec().getTemplate()),
      List.of("spec", "template", "spec"), (meta, spec) -> new Job("batch/v1", "Job", meta, jobOf(spec), null)),
  CRON_JOB("batch", "CronJob", CronJob.class, o -> ((CronJob) o).getSpec() == null ? null : jobSpec(((CronJob) o).getSpec().getJobTemplate()),
      List.of("spec", "jobTemplate", "spec", "template", "spec"), (meta, spec) -> {
        JobTemplateSpec jobTemplate = new JobTemplateSpec();
        jobTemplate.setSpec(jobOf(spec));
        CronJobSpec cronJob = new CronJobSpec();
        cronJob.setJobTemplate(jobTemplate);
        return new CronJob("batch/v1", "CronJob", meta, cronJob, null);
      });

  private static final WorkloadKind[] ALL = values();

  private final String group;
  private final String kind;
  private final Class<? extends HasMetadata> type;
  private final Function<HasMetadata, PodSpec> podSpec;
  private final List<String> podSpecPath;
  private final BiFunction<ObjectMeta, PodSpec, HasMetadata> assemble;

  WorkloadKind(String group, String kind, Class<? extends HasMetadata> type, Function<HasMetadata, PodSpec> podSpec,
      List<String> podSpecPath, BiFunction<ObjectMeta, PodSpec, HasMetadata> assemble) {
    this.group = group;
    this.kind = kind;
    this.type = type;
    this.podSpec = podSpec;
    this.podSpecPath = podSpecPath;
    this.assemble = assemble;
  }

  /** Matched on group and kind only: every served version of these kinds has the same pod spec shape. */
  static Optional<WorkloadKind> of(GroupVersionKind gvk) {
    if (gvk == null) {
      return Optional.empty();
    }
    String group = gvk.getGroup() == null ? "" : gvk.getGroup();
    for (WorkloadKind kind : ALL) { // on every admission: no stream
      if (kind.kind.equals(gvk.getKind()) && kind.group.equals(group)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  Class<? extends HasMetadata> type() {
    return type;
  }

  /** The pod spec inside {@code object}, or null when the object has none. */
  PodSpec podSpec(HasMetadata object) {
    return podSpec.apply(object);
  }

  /** The fields from the object down to its pod spec, e.g. {@code spec.template.spec}. */
  List<String> podSpecPath() {
    return podSpecPath;
  }

  /** An object of this kind holding only {@code metadata} and the pod spec (for {@link ReviewReader}). */
  HasMetadata assemble(ObjectMeta metadata, PodSpec spec) {
    return assemble.apply(metadata, spec);
  }

  private static PodTemplateSpec template(PodSpec spec) {
    PodTemplateSpec template = new PodTemplateSpec();
    template.setSpec(spec);
    return template;
  }

  private static JobSpec jobOf(PodSpec spec) {
    JobSpec job = new JobSpec();
    job.setTemplate(template(spec));
    return job;
  }

  private static PodSpec spec(PodTemplateSpec template) {
    return template == null ? null : template.getSpec();
  }

  private static PodSpec jobSpec(JobTemplateSpec template) {
    return template == null || template.getSpec() == null ? null : spec(template.getSpec().getTemplate());
  }
}
