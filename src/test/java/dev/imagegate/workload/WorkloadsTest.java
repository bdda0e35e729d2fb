package dev.imagegate.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagegate.config.Mode;
import dev.imagegate.registry.PullContext;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** fabric8 objects become workloads through the one table of where each kind keeps its pod spec. */
class WorkloadsTest {
  private static PodSpec spec() {
    return new PodSpecBuilder().withServiceAccountName("web-sa").addNewImagePullSecret("regcred")
        .addNewInitContainer().withName("init").withImage("busybox:1.36").endInitContainer()
        .addNewContainer().withName("web").withImage("nginx:1.27").endContainer().build();
  }

  @Test
  void aDeploymentIsReadThroughItsPodTemplate() {
    Workload web = Workloads.of(new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("shop").withUid("d-uid")
        .addToLabels("app", "web").addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{}").endMetadata()
        .withNewSpec().withNewTemplate().withSpec(spec()).endTemplate().endSpec().build());
    assertThat(web.id()).isEqualTo("Deployment/web");
    assertThat(web.apiVersion()).isEqualTo("apps/v1");
    assertThat(web.labels()).containsExactly(Map.entry("app", "web"));
    assertThat(web.annotations()).as("only the annotations imagegate reads are kept").isEmpty();
    assertThat(web.pod()).isEqualTo(new PullContext("shop", "web-sa", List.of("regcred")));
    assertThat(web.containers()).extracting(c -> c.name()).containsExactly("init", "web");
    assertThat(web.images()).containsExactly("busybox:1.36", "nginx:1.27");
  }

  @Test
  void aCronJobIsReadThroughItsJobTemplate() {
    Workload nightly = Workloads.of(new CronJobBuilder().withNewMetadata().withName("nightly").withNamespace("ops").endMetadata()
        .withNewSpec().withSchedule("0 3 * * *").withNewJobTemplate().withNewSpec().withNewTemplate().withSpec(spec())
        .endTemplate().endSpec().endJobTemplate().endSpec().build());
    assertThat(nightly.kind()).isEqualTo("CronJob");
    assertThat(nightly.images()).containsExactly("busybox:1.36", "nginx:1.27");
  }

  @Test
  void aKindWithoutAPodSpecIsNoWorkload() {
    assertThatThrownBy(() -> Workloads.of(new ConfigMap())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ConfigMap");
  }

  @Test
  void theControllerAndTheMirrorPodAnnotationAreKept() {
    Workload pod = Workloads.of(new PodBuilder().withNewMetadata().withGenerateName("web-5d4f8b-").withNamespace("shop")
        .addToAnnotations(Workload.MIRROR_POD_ANNOTATION, "c0ffee")
        .addNewOwnerReference().withApiVersion("v1").withKind("Node").withName("n1").withUid("n").endOwnerReference()
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-5d4f8b").withUid("rs")
        .withController(true).endOwnerReference().endMetadata().withSpec(spec()).build());
    assertThat(pod.controller()).isEqualTo(new Workload.Owner("apps/v1", "ReplicaSet", "web-5d4f8b", "rs"));
    assertThat(pod.isMirrorPod()).isTrue();
    assertThat(pod.name()).isNull();
    assertThat(pod.generateName()).isEqualTo("web-5d4f8b-");
  }

  @Test
  void theEngineJudgesWhereTheRequestSaysItRunsAndOnlyNewImages() {
    Workload pod = Workloads.of(new PodBuilder().withNewMetadata().withName("p").endMetadata().withSpec(spec()).build());
    Workload placed = pod.inNamespace("shop").without(Set.of("busybox:1.36"));
    var subject = placed.subject(Mode.WARN);
    assertThat(subject.namespace()).isEqualTo("shop");
    assertThat(subject.namespaceMode()).isEqualTo(Mode.WARN);
    assertThat(subject.pod()).isEqualTo(new PullContext("shop", "web-sa", List.of("regcred")));
    assertThat(subject.containers()).extracting(c -> c.image()).containsExactly("nginx:1.27");
  }
}
