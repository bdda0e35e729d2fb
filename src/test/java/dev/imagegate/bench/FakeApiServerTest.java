package dev.imagegate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.bench.FakeCluster.Resource;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The benchmark's apiserver answers fabric8's client as the apiserver does: pages, typed objects, watches, leases. */
class FakeApiServerTest {
  private final FakeCluster cluster = new FakeCluster(new FakeCluster.Size(2_345, 200, 7, 50));
  private FakeApiServer server;
  private KubernetesClient client;

  @BeforeEach
  void start() throws Exception {
    server = new FakeApiServer(cluster, 0, 0, 1);
    client = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(server.url()).withNamespace("imagegate")
        .withRequestRetryBackoffLimit(0).build()).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void listsEveryPodOncePageByPageWithOwnersImagesAndStatus() {
    List<Pod> pods = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      PodList page = client.pods().inAnyNamespace().list(new ListOptionsBuilder().withLimit(500L).withContinue(next).build());
      pods.addAll(page.getItems());
      next = page.getMetadata().getContinue();
      assertThat(page.getMetadata().getResourceVersion()).isNotBlank();
      pages++;
    } while (next != null && !next.isEmpty());

    assertThat(pages).isEqualTo(5);
    assertThat(pods).hasSize(2_345);
    Set<String> names = new HashSet<>();
    pods.forEach(p -> names.add(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()));
    assertThat(names).hasSize(2_345);
    Pod first = pods.get(0);
    assertThat(first.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("ReplicaSet"));
    assertThat(first.getMetadata().getManagedFields()).hasSize(2);
    assertThat(first.getSpec().getContainers()).extracting(c -> c.getImage())
        .containsExactly(FakeCluster.image(0), "acme/api:2.4.1", "kong:3.8");
    assertThat(first.getSpec().getContainers().get(1).getEnv()).isNotEmpty();
    assertThat(first.getStatus().getContainerStatuses()).hasSize(3);
    assertThat(pods).filteredOn(p -> p.getMetadata().getOwnerReferences().isEmpty()).hasSize(23); // every 100th is bare
  }

  @Test
  void replicaSetsAreOwnedByTheirDeploymentsAndControllersCountAsDocumented() {
    var deployments = client.apps().deployments().inAnyNamespace().list().getItems();
    List<ReplicaSet> replicaSets = client.apps().replicaSets().inAnyNamespace().list().getItems();

    assertThat(deployments).hasSize(140);
    assertThat(replicaSets).hasSize(280);
    ReplicaSet current = replicaSets.get(0);
    var owner = current.getMetadata().getOwnerReferences().get(0);
    assertThat(owner.getKind()).isEqualTo("Deployment");
    assertThat(owner.getUid()).isEqualTo(deployments.get(0).getMetadata().getUid());
    assertThat(current.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo(FakeCluster.image(0));
    assertThat(client.apps().statefulSets().inAnyNamespace().list().getItems()).hasSize(30);
    assertThat(client.apps().daemonSets().inAnyNamespace().list().getItems()).hasSize(10);
    assertThat(client.batch().v1().cronjobs().inAnyNamespace().list().getItems()).hasSize(10);
    assertThat(client.batch().v1().jobs().inAnyNamespace().list().getItems()).hasSize(20);
    assertThat(client.replicationControllers().inAnyNamespace().list().getItems()).isEmpty();
    assertThat(client.pods().inNamespace("ns-0003").list().getItems())
        .allSatisfy(p -> assertThat(p.getMetadata().getNamespace()).isEqualTo("ns-0003")).isNotEmpty();
    assertThat(client.namespaces().list().getItems()).hasSize(7)
        .allSatisfy(n -> assertThat(n.getMetadata().getLabels()).containsEntry("kubernetes.io/metadata.name", n.getMetadata().getName()));
  }

  @Test
  void watchDeliversEmittedEventsAndBookmarks() throws Exception {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch modified = new CountDownLatch(1);
    try (var watch = client.pods().inAnyNamespace().watch(new ListOptionsBuilder().withResourceVersion("10000000")
        .withAllowWatchBookmarks(true).build(), new Watcher<Pod>() {
          @Override
          public void eventReceived(Action action, Pod pod) {
            seen.add(action + " " + pod.getMetadata().getName());
            if (action == Action.MODIFIED) {
              modified.countDown();
            }
          }

          @Override
          public void onClose(WatcherException cause) {
          }
        })) {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (server.openWatches() == 0 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      server.emit("MODIFIED", Resource.PODS, 42);
      assertThat(modified.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(seen).contains("MODIFIED " + cluster.nameOf(Resource.PODS, 42));
    assertThat(server.counts()).containsKey("watch pods");
  }

  @Test
  void anInformerListsThenKeepsOneWatchOpen() throws Exception {
    var informer = client.namespaces().withLabel("imagegate.dev/mode").inform();
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (server.openWatches() == 0 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      Thread.sleep(3_000);
      assertThat(informer.getStore().list()).isEmpty(); // 7 namespaces: none is the 50th
      assertThat(server.openWatches()).isEqualTo(1);
      assertThat(server.counts()).containsEntry("watch namespaces", 1L);
    } finally {
      informer.close();
    }
  }

  @Test
  void leaderElectionAcquiresTheLease() throws Exception {
    CountDownLatch leading = new CountDownLatch(1);
    CompletableFuture<?> election = client.leaderElector().withConfig(new LeaderElectionConfigBuilder().withName("bench")
        .withLock(new LeaseLock("imagegate", "imagegate-audit", "replica-1"))
        .withLeaseDuration(Duration.ofSeconds(15)).withRenewDeadline(Duration.ofSeconds(10)).withRetryPeriod(Duration.ofMillis(200))
        .withLeaderCallbacks(new LeaderCallbacks(leading::countDown, () -> { }, id -> { })).build()).build().start();
    try {
      assertThat(leading.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(client.leases().inNamespace("imagegate").withName("imagegate-audit").get().getSpec().getHolderIdentity())
          .isEqualTo("replica-1");
    } finally {
      election.cancel(true);
    }
    assertThat(server.counts()).containsKeys("create leases", "get leases");
  }
}
