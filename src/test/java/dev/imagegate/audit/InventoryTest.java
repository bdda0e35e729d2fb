package dev.imagegate.audit;

import static dev.imagegate.audit.AuditFixtures.good;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import dev.imagegate.config.LabelSelector;
import dev.imagegate.config.LabelSelector.Requirement;
import dev.imagegate.workload.Workload;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which objects the audit judges, as its informers see them: each workload once, through its controller. */
class InventoryTest {

  private static io.fabric8.kubernetes.api.model.OwnerReference controller(String apiVersion, String kind, String name) {
    return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName(name).withUid(name + "-uid")
        .withController(true).build();
  }

  private static PodBuilder pod(String name, io.fabric8.kubernetes.api.model.OwnerReference owner) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withNamespace("apps").endMetadata().withSpec(good())
        .withNewStatus().withPhase("Running").endStatus();
    if (owner != null) {
      pod.editMetadata().addToOwnerReferences(owner).endMetadata();
    }
    return pod;
  }

  /** What the inventory holds once its informers have listed the cluster. */
  private static Inventory.Listing list(KubernetesClient client, LabelSelector namespaces, LabelSelector objects) {
    try (Inventory inventory = new Inventory(client, namespaces, objects, key -> { }, (kind, type) -> { })) {
      inventory.synced().get(15, java.util.concurrent.TimeUnit.SECONDS);
      return inventory.listing();
    } catch (Exception e) {
      throw new AssertionError("the inventory did not list the cluster", e);
    }
  }

  @Test
  void controllersAreJudgedByTheirTemplateAndTheirPodsNotAgain() {
    try (MockCluster cluster = MockCluster.withPolicyReports()) {
      KubernetesClient client = cluster.client();
      var template = new PodTemplateSpecBuilder().withSpec(good()).build();
      client.apps().statefulSets().inNamespace("apps").resource(new StatefulSetBuilder().withNewMetadata().withName("db")
          .endMetadata().withNewSpec().withTemplate(template).endSpec().build()).create();
      client.apps().daemonSets().inNamespace("apps").resource(new DaemonSetBuilder().withNewMetadata().withName("agent")
          .endMetadata().withNewSpec().withTemplate(template).endSpec().build()).create();
      // a ReplicaSet of another controller (e.g. an Argo Rollout) is judged itself
      client.apps().replicaSets().inNamespace("apps").resource(new ReplicaSetBuilder().withNewMetadata().withName("canary-1")
          .addToOwnerReferences(controller("argoproj.io/v1alpha1", "Rollout", "canary")).endMetadata()
          .withNewSpec().withTemplate(template).endSpec().build()).create();
      client.batch().v1().cronjobs().inNamespace("apps").resource(new CronJobBuilder().withNewMetadata().withName("nightly")
          .endMetadata().withNewSpec().withSchedule("0 3 * * *").withNewJobTemplate().withNewSpec().withTemplate(template)
          .endSpec().endJobTemplate().endSpec().build()).create();
      client.batch().v1().jobs().inNamespace("apps").resource(new JobBuilder().withNewMetadata().withName("nightly-28")
          .addToOwnerReferences(controller("batch/v1", "CronJob", "nightly")).endMetadata()
          .withNewSpec().withTemplate(template).endSpec().build()).create();
      client.batch().v1().jobs().inNamespace("apps").resource(new JobBuilder().withNewMetadata().withName("migrate")
          .endMetadata().withNewSpec().withTemplate(template).endSpec().build()).create();
      client.batch().v1().jobs().inNamespace("apps").resource(new JobBuilder().withNewMetadata().withName("done")
          .endMetadata().withNewSpec().withTemplate(template).endSpec().withNewStatus().withCompletionTime("2026-01-01T00:00:00Z")
          .endStatus().build()).create();
      client.pods().inNamespace("apps").resource(pod("db-0", controller("apps/v1", "StatefulSet", "db")).build()).create();
      client.pods().inNamespace("apps").resource(pod("agent-x1", controller("apps/v1", "DaemonSet", "agent")).build()).create();
      client.pods().inNamespace("apps").resource(pod("nightly-28-abc", controller("batch/v1", "Job", "nightly-28")).build()).create();
      client.pods().inNamespace("apps").resource(pod("canary-1-abc", controller("apps/v1", "ReplicaSet", "canary-1")).build()).create();
      // an operator's pod: its controller is not a kind the audit lists, so the pod is judged itself
      client.pods().inNamespace("apps").resource(pod("pg-1", controller("postgresql.cnpg.io/v1", "Cluster", "pg")).build()).create();
      client.pods().inNamespace("apps").resource(pod("bare", null).build()).create();
      client.pods().inNamespace("apps").resource(pod("etcd-node1", null).editMetadata()
          .addToAnnotations(Map.of("kubernetes.io/config.mirror", "x")).endMetadata().build()).create();
      client.pods().inNamespace("apps").resource(pod("crashed", null).editStatus().withPhase("Failed").endStatus().build()).create();

      Inventory.Listing listing = list(client, LabelSelector.EVERYTHING, LabelSelector.EVERYTHING);
      assertThat(listing.workloads()).extracting(Workload::id).containsExactly(
          "CronJob/nightly", "DaemonSet/agent", "Job/migrate", "Pod/bare", "Pod/pg-1", "ReplicaSet/canary-1", "StatefulSet/db");
      assertThat(listing.workloads()).filteredOn(w -> w.kind().equals("CronJob")).singleElement()
          .satisfies(w -> assertThat(w.apiVersion()).isEqualTo("batch/v1"));
      assertThat(listing.workloads()).allSatisfy(w -> assertThat(w.containers()).hasSize(1));
      assertThat(listing.notes()).isEmpty();
    }
  }

  @Test
  void aKindThatMayNotBeListedIsLeftOutWithANote() {
    try (MockCluster cluster = MockCluster.withPolicyReports()) {
      cluster.forbid("/apis/batch/v1/cronjobs?limit=500");
      KubernetesClient client = cluster.client();
      client.pods().inNamespace("apps").resource(pod("bare", null).build()).create();
      Inventory.Listing listing = list(client, LabelSelector.EVERYTHING, LabelSelector.EVERYTHING);
      assertThat(listing.workloads()).extracting(Workload::id).containsExactly("Pod/bare");
      assertThat(listing.notes()).singleElement().asString().contains("cronjobs").contains("403");
    }
  }

  @Test
  void selectorsKeepWhatTheWebhookIsCalledForAndCountTheRest() {
    try (MockCluster cluster = MockCluster.withPolicyReports()) {
      KubernetesClient client = cluster.client();
      cluster.namespace("apps", Map.of("kubernetes.io/metadata.name", "apps", "team", "shop"));
      cluster.namespace("tools", Map.of("kubernetes.io/metadata.name", "tools"));
      client.pods().inNamespace("apps").resource(pod("bare", null).build()).create();
      client.pods().inNamespace("apps").resource(pod("trusted", null).editMetadata().addToLabels("skip", "1").endMetadata()
          .build()).create();
      client.pods().inNamespace("tools").resource(pod("bare", null).editMetadata().withNamespace("tools").endMetadata()
          .build()).create();
      LabelSelector teams = new LabelSelector(null, List.of(new Requirement("team", "Exists", null)));
      LabelSelector unskipped = new LabelSelector(null, List.of(new Requirement("skip", "DoesNotExist", null)));

      Inventory.Listing listing = list(client, teams, unskipped);
      assertThat(listing.workloads()).extracting(w -> w.namespace() + "/" + w.id()).containsExactly("apps/Pod/bare");
      assertThat(listing.unselected()).isEqualTo(2);
      assertThat(listing.notes()).isEmpty();
    }
  }

  @Test
  void namespacesThatMayNotBeListedAreSelectedByTheirNameAloneWithANote() {
    try (MockCluster cluster = MockCluster.withPolicyReports()) {
      cluster.forbid("/api/v1/namespaces?limit=500");
      KubernetesClient client = cluster.client();
      client.pods().inNamespace("apps").resource(pod("bare", null).build()).create();
      client.pods().inNamespace("kube-system").resource(pod("dns", null).editMetadata().withNamespace("kube-system")
          .endMetadata().build()).create();
      LabelSelector notSystem = new LabelSelector(null,
          List.of(new Requirement("kubernetes.io/metadata.name", "NotIn", List.of("kube-system"))));

      Inventory.Listing listing = list(client, notSystem, LabelSelector.EVERYTHING);
      assertThat(listing.workloads()).extracting(w -> w.namespace() + "/" + w.id()).containsExactly("apps/Pod/bare");
      assertThat(listing.notes()).containsExactly("namespaces not listed (HTTP 403: forbidden, check RBAC)",
          "audit.namespaceSelector judged on namespace names alone (kubernetes.io/metadata.name)");
    }
  }
}
