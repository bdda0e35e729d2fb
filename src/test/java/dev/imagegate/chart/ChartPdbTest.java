package dev.imagegate.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.chart.HelmChart.Rendered;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A PodDisruptionBudget exists exactly when there is more than one replica to keep. */
class ChartPdbTest {

  @ParameterizedTest(name = "replicaCount={0}, podDisruptionBudget.enabled={1}: PDB {2}")
  @CsvSource({
    "1, true, false",
    "2, true, true",
    "3, true, true",
    "7, true, true",
    "3, false, false",
  })
  void pdbOnlyWhenMoreThanOneReplica(int replicas, boolean enabled, boolean expected) {
    Rendered chart = HelmChart.render(Map.of("replicaCount", replicas, "podDisruptionBudget.enabled", enabled));
    assertThat(chart.one(Deployment.class).getSpec().getReplicas()).isEqualTo(replicas);
    assertThat(chart.all(PodDisruptionBudget.class)).hasSize(expected ? 1 : 0);
    chart.all(PodDisruptionBudget.class).forEach(pdb -> {
      assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
      assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isLessThan(replicas);
    });
  }
}
