package dev.imagegate.audit;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.UUID;

/** Workloads as controllers leave them in a cluster: Deployments own ReplicaSets, which own pods. */
final class Seed {
  private final KubernetesClient client;

  Seed(KubernetesClient client) {
    this.client = client;
  }

  /** A Deployment with its ReplicaSet and {@code replicas} pods of that ReplicaSet. */
  Deployment deployment(String namespace, String name, PodSpec spec, int replicas) {
    Deployment deployment = client.apps().deployments().inNamespace(namespace).resource(new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).withUid(UUID.randomUUID().toString()).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withSpec(spec).endTemplate().endSpec()
        .build()).create();
    String rsName = name + "-5d4f8b";
    ReplicaSet rs = client.apps().replicaSets().inNamespace(namespace).resource(new ReplicaSetBuilder()
        .withNewMetadata().withName(rsName).withNamespace(namespace).withUid(UUID.randomUUID().toString())
        .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment").withName(name)
            .withUid(deployment.getMetadata().getUid()).withController(true).build())
        .endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withSpec(spec).endTemplate().endSpec()
        .build()).create();
    for (int i = 0; i < replicas; i++) {
      client.pods().inNamespace(namespace).resource(new PodBuilder()
          .withNewMetadata().withName(rsName + "-" + i).withNamespace(namespace).withUid(UUID.randomUUID().toString())
          .addToLabels("app", name)
          .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet").withName(rsName)
              .withUid(rs.getMetadata().getUid()).withController(true).build())
          .endMetadata().withSpec(spec).withNewStatus().withPhase("Running").endStatus().build()).create();
    }
    return deployment;
  }

  /** A pod no controller owns. */
  Pod pod(String namespace, String name, PodSpec spec) {
    return pod(namespace, name, spec, "Running");
  }

  Pod pod(String namespace, String name, PodSpec spec, String phase) {
    return client.pods().inNamespace(namespace).resource(new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).withUid(UUID.randomUUID().toString()).endMetadata()
        .withSpec(spec).withNewStatus().withPhase(phase).endStatus().build()).create();
  }

  void fixDeployment(String namespace, String name, PodSpec spec) {
    client.apps().deployments().inNamespace(namespace).withName(name)
        .edit(d -> new DeploymentBuilder(d).editSpec().editTemplate().withSpec(spec).endTemplate().endSpec().build());
  }

  void deletePod(String namespace, String name) {
    client.pods().inNamespace(namespace).withName(name).delete();
  }

  void deleteDeployment(String namespace, String name) {
    client.apps().deployments().inNamespace(namespace).withName(name).delete();
  }
}
