package dev.imagegate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.audit.MockCluster;
import dev.imagegate.config.Mode;
import dev.imagegate.testing.Await;
import dev.imagegate.testing.LogCapture;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The namespace label imagegate.dev/mode, through an informer against a mock API server. */
class NamespaceModesTest {

  @Test
  void labelsAreReadAndFollowedWithoutAskingPerRequest() throws Exception {
    try (MockCluster cluster = MockCluster.withPolicyReports()) {
      cluster.namespace("strict", Map.of(NamespaceModes.LABEL, "enforce"));
      cluster.namespace("loose", Map.of(NamespaceModes.LABEL, "Audit"));
      cluster.namespace("quiet", Map.of(NamespaceModes.LABEL, "off"));
      cluster.namespace("typo", Map.of(NamespaceModes.LABEL, "enforced"));
      cluster.namespace("plain", Map.of("team", "a"));
      KubernetesClient client = cluster.client();
      try (NamespaceModes modes = new NamespaceModes(true, () -> client)) {
        assertThat(modes.ready()).isFalse();
        modes.start();
        Await.until(modes::synced, "the first list");
        assertThat(modes.ready()).isTrue();
        assertThat(modes.modeOf("strict")).isEqualTo(Mode.ENFORCE);
        assertThat(modes.modeOf("loose")).isEqualTo(Mode.AUDIT);
        assertThat(modes.modeOf("quiet")).isEqualTo(Mode.OFF);
        assertThat(modes.modeOf("typo")).as("an unknown value is ignored, not guessed").isNull();
        assertThat(modes.modeOf("plain")).isNull();
        assertThat(modes.modeOf("nowhere")).isNull();
        assertThat(modes.snapshot()).containsOnlyKeys("loose", "quiet", "strict");

        int requests = cluster.requests().size();
        for (int i = 0; i < 100; i++) {
          modes.modeOf("strict");
        }
        assertThat(cluster.requests()).as("no API call per lookup").hasSize(requests);

        client.namespaces().withName("loose").edit(n -> {
          n.getMetadata().getLabels().put(NamespaceModes.LABEL, "warn");
          return n;
        });
        client.namespaces().withName("plain").edit(n -> {
          n.getMetadata().getLabels().put(NamespaceModes.LABEL, "enforce");
          return n;
        });
        client.namespaces().withName("strict").edit(n -> {
          n.getMetadata().getLabels().remove(NamespaceModes.LABEL);
          return n;
        });
        client.namespaces().withName("quiet").delete();
        Await.until(() -> modes.modeOf("loose") == Mode.WARN && modes.modeOf("plain") == Mode.ENFORCE
            && modes.modeOf("strict") == null && modes.modeOf("quiet") == null, "label changes");
      }
    }
  }

  @Test
  void switchedOffReadsNothing() {
    NamespaceModes modes = new NamespaceModes(false, () -> {
      throw new AssertionError("no client when namespace modes are off");
    });
    modes.start();
    assertThat(modes.ready()).isTrue();
    assertThat(modes.modeOf("anything")).isNull();
  }

  @Test
  void unreachableApiNeverBlocksAndIsSaidOnce() throws Exception {
    KubernetesClient nowhere = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:1")
        .withConnectionTimeout(300).withRequestTimeout(300).withRequestRetryBackoffLimit(0).build()).build();
    try (LogCapture log = LogCapture.of(NamespaceModes.class); NamespaceModes modes = new NamespaceModes(true, () -> nowhere)) {
      long start = System.nanoTime();
      modes.start();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(modes.modeOf("apps")).isNull();
      Thread.sleep(2_500); // the informer retries meanwhile
      assertThat(modes.synced()).isFalse();
      assertThat(log.warnings()).filteredOn(w -> w.contains("namespace modes")).hasSize(1);
    } finally {
      nowhere.close();
    }
  }

  @Test
  void readinessWaitsForTheLabelsButNotForever() throws Exception {
    NamespaceModes off = new NamespaceModes(false, () -> null);
    assertThat(new NamespaceModesReadiness(off).call().getStatus().name()).isEqualTo("UP");
    try (MockCluster cluster = MockCluster.withPolicyReports()) {
      KubernetesClient client = cluster.client();
      try (NamespaceModes modes = new NamespaceModes(true, () -> client)) {
        assertThat(new NamespaceModesReadiness(modes).call().getStatus().name()).as("before start").isEqualTo("DOWN");
        modes.start();
        Await.until(modes::synced, "the first list");
        assertThat(new NamespaceModesReadiness(modes).call().getStatus().name()).isEqualTo("UP");
      }
    }
  }
}
