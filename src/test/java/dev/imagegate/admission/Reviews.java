package dev.imagegate.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequestBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import java.util.UUID;

/** AdmissionReviews as the apiserver sends them, built from fabric8 model classes. */
public final class Reviews {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Reviews() {}

  public static Container container(String name, String image) {
    return new ContainerBuilder().withName(name).withImage(image).build();
  }

  /** A container that runs as a numeric non-root user with a readiness probe: passes every rule. */
  public static Container wellBehaved(String name, String image) {
    return new ContainerBuilder(container(name, image))
        .withNewSecurityContext().withRunAsUser(10001L).withRunAsNonRoot(true).endSecurityContext()
        .withNewReadinessProbe().withNewHttpGet().withPath("/healthz").withNewPort(8080).endHttpGet().endReadinessProbe()
        .build();
  }

  public static PodSpec spec(Container... containers) {
    return new PodSpecBuilder().withContainers(containers).build();
  }

  public static Pod pod(String name, PodSpec spec) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("apps").endMetadata().withSpec(spec).build();
  }

  static Deployment deployment(String name, PodSpec spec) {
    return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace("apps").endMetadata()
        .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withSpec(spec).endTemplate()
        .endSpec().build();
  }

  static CronJob cronJob(String name, PodSpec spec) {
    return new CronJobBuilder().withNewMetadata().withName(name).withNamespace("apps").endMetadata()
        .withNewSpec().withSchedule("*/5 * * * *").withNewJobTemplate().withNewSpec().withNewTemplate()
        .withSpec(spec).endTemplate().endSpec().endJobTemplate().endSpec().build();
  }

  /** The call a CREATE of {@code object} makes, as a dry run or not. */
  static AdmissionCall call(HasMetadata object, boolean dryRun) throws BadReviewException {
    String body = create(object);
    if (dryRun) {
      body = body.replace("\"dryRun\":false", "\"dryRun\":true");
    }
    return new AdmissionReviews(JSON).read(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  public static String create(HasMetadata object) {
    return review("CREATE", object, null, null);
  }

  static String update(HasMetadata object, HasMetadata old) {
    return review("UPDATE", object, old, null);
  }

  static String review(String operation, HasMetadata object, HasMetadata old, String subResource) {
    HasMetadata any = object != null ? object : old;
    String[] apiVersion = any.getApiVersion().contains("/") ? any.getApiVersion().split("/") : new String[] {"", any.getApiVersion()};
    String resource = any.getKind().toLowerCase() + (any.getKind().endsWith("s") ? "es" : "s");
    var request = new AdmissionRequestBuilder()
        .withUid(UUID.randomUUID().toString())
        .withKind(new GroupVersionKind(apiVersion[0], any.getKind(), apiVersion[1]))
        .withResource(new GroupVersionResource(apiVersion[0], resource, apiVersion[1]))
        .withRequestKind(new GroupVersionKind(apiVersion[0], any.getKind(), apiVersion[1]))
        .withRequestResource(new GroupVersionResource(apiVersion[0], resource, apiVersion[1]))
        .withSubResource(subResource)
        .withName(any.getMetadata().getName())
        .withNamespace(any.getMetadata().getNamespace())
        .withOperation(operation)
        .withNewUserInfo().withUsername("system:serviceaccount:kube-system:replicaset-controller").endUserInfo()
        .withObject(object)
        .withOldObject(old)
        .withDryRun(false)
        .build();
    try {
      return JSON.writeValueAsString(new AdmissionReviewBuilder().withApiVersion("admission.k8s.io/v1")
          .withKind("AdmissionReview").withRequest(request).build());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
