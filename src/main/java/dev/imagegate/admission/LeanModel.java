package dev.imagegate.admission;

import com.fasterxml.jackson.annotation.JsonIncludeProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
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
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Performance: what imagegate reads of a reviewed object. The admission path needs a handful of a
 * workload's fields (the containers' names, images, env literals, probes and security contexts; the
 * pod's security context, pull secrets and service account; the metadata its Events and mirror-pod
 * check use); every other field (volumes, resources, affinity, tolerations, managedFields, status,
 * the last-applied annotation …) is skipped by the parser without building an object. A real
 * apiserver review carries several times more of those than of what is judged, and building them
 * was the largest cost of an admission (docs/benchmarks.md).
 *
 * <p>Applied as Jackson mix-ins to the reader of reviews only; fabric8's classes are unchanged
 * elsewhere (background audit, Kubernetes client). <b>A rule or feature that reads another field of
 * the admitted object adds it here</b> ({@code LeanModelTest} pins what is kept).
 */
final class LeanModel {
  /** The annotations imagegate reads; others (kubectl's last-applied copy of the object…) are skipped. */
  static final Set<String> ANNOTATIONS = Set.of(AdmissionHandler.MIRROR_POD_ANNOTATION);

  private LeanModel() {}

  /** Adds the mix-ins to {@code mapper} (a copy reserved for reading reviews). */
  static ObjectMapper applyTo(ObjectMapper mapper) {
    Map<Class<?>, Class<?>> mixins = Map.ofEntries(
        Map.entry(AdmissionReview.class, Review.class),
        Map.entry(ObjectMeta.class, Meta.class),
        Map.entry(Pod.class, Workload.class),
        Map.entry(PodTemplate.class, Template.class),
        Map.entry(ReplicationController.class, Workload.class),
        Map.entry(Deployment.class, Workload.class),
        Map.entry(StatefulSet.class, Workload.class),
        Map.entry(DaemonSet.class, Workload.class),
        Map.entry(ReplicaSet.class, Workload.class),
        Map.entry(Job.class, Workload.class),
        Map.entry(CronJob.class, Workload.class),
        Map.entry(ReplicationControllerSpec.class, WithTemplate.class),
        Map.entry(DeploymentSpec.class, WithTemplate.class),
        Map.entry(StatefulSetSpec.class, WithTemplate.class),
        Map.entry(DaemonSetSpec.class, WithTemplate.class),
        Map.entry(ReplicaSetSpec.class, WithTemplate.class),
        Map.entry(JobSpec.class, WithTemplate.class),
        Map.entry(CronJobSpec.class, WithJobTemplate.class),
        Map.entry(JobTemplateSpec.class, WithSpec.class),
        Map.entry(PodTemplateSpec.class, WithSpec.class),
        Map.entry(PodSpec.class, Spec.class),
        Map.entry(Container.class, ContainerFields.class),
        Map.entry(EphemeralContainer.class, EphemeralContainerFields.class),
        Map.entry(EnvVar.class, Env.class),
        Map.entry(EnvVarSource.class, PresenceOnly.class),
        Map.entry(Probe.class, PresenceOnly.class),
        Map.entry(SecurityContext.class, RunAs.class),
        Map.entry(PodSecurityContext.class, RunAs.class));
    mixins.forEach(mapper::addMixIn);
    return mapper;
  }

  @JsonIncludeProperties({"apiVersion", "kind", "request"})
  abstract static class Review {}

  @JsonIncludeProperties({"name", "generateName", "namespace", "uid", "ownerReferences", "annotations"})
  abstract static class Meta {
    @JsonProperty("annotations")
    @JsonDeserialize(using = KeptAnnotations.class)
    Map<String, String> annotations;

    @JsonProperty("annotations")
    @JsonDeserialize(using = KeptAnnotations.class)
    abstract void setAnnotations(Map<String, String> annotations);
  }

  @JsonIncludeProperties({"apiVersion", "kind", "metadata", "spec"})
  abstract static class Workload {}

  @JsonIncludeProperties({"apiVersion", "kind", "metadata", "template"})
  abstract static class Template {}

  @JsonIncludeProperties({"template"})
  abstract static class WithTemplate {}

  @JsonIncludeProperties({"jobTemplate"})
  abstract static class WithJobTemplate {}

  @JsonIncludeProperties({"spec"})
  abstract static class WithSpec {}

  @JsonIncludeProperties({"containers", "initContainers", "ephemeralContainers", "securityContext",
      "imagePullSecrets", "serviceAccountName"})
  abstract static class Spec {}

  @JsonIncludeProperties({"name", "image", "env", "securityContext", "livenessProbe", "readinessProbe",
      "startupProbe", "restartPolicy"})
  abstract static class ContainerFields {}

  /** Ephemeral containers take no probes and no restart policy. */
  @JsonIncludeProperties({"name", "image", "env", "securityContext"})
  abstract static class EphemeralContainerFields {}

  @JsonIncludeProperties({"name", "value", "valueFrom"})
  abstract static class Env {}

  /** Only whether it is there counts: a probe of any kind, a value taken from elsewhere. */
  @JsonIncludeProperties({})
  abstract static class PresenceOnly {}

  @JsonIncludeProperties({"runAsUser", "runAsNonRoot"})
  abstract static class RunAs {}

  /** The annotations in {@link #ANNOTATIONS}; the values of others are skipped unread. */
  static final class KeptAnnotations extends StdDeserializer<Map<String, String>> {
    KeptAnnotations() {
      super(Map.class);
    }

    @Override
    public Map<String, String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.isExpectedStartObjectToken()) {
        return ctxt.reportInputMismatch(this, "annotations must be an object of strings");
      }
      Map<String, String> kept = new HashMap<>(2);
      for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
        JsonToken value = p.nextToken();
        if (ANNOTATIONS.contains(key) && value == JsonToken.VALUE_STRING) {
          kept.put(key, p.getText());
        } else {
          p.skipChildren();
        }
      }
      return kept;
    }
  }
}
