package dev.imagegate.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.rules.PodPlatforms;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a pod can be scheduled, read as the scheduler reads spec.os, nodeSelector and required node affinity. */
class PodPlacementTest {
  private static NodeSelectorRequirement expression(String key, String operator, String... values) {
    return new NodeSelectorRequirement(key, operator, List.of(values));
  }

  private static NodeSelectorTerm term(NodeSelectorRequirement... expressions) {
    return new NodeSelectorTerm(List.of(expressions), null);
  }

  private static PodSpec affinity(NodeSelectorTerm... terms) {
    return new PodSpecBuilder().withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .withNodeSelectorTerms(terms).endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().build();
  }

  @Test
  void aPodWithoutConstraintsCanRunAnywhere() {
    PodPlatforms any = PodPlacement.of(new PodSpec());
    assertThat(any.constrained()).isFalse();
    assertThat(any.allows("windows", "amd64")).isTrue();
  }

  @Test
  void specOsNameLimitsTheOs() {
    PodPlatforms windows = PodPlacement.of(new PodSpecBuilder().withNewOs("windows").build());
    assertThat(windows.allows("windows", "amd64")).isTrue();
    assertThat(windows.allows("linux", "amd64")).isFalse();
  }

  @Test
  void anUnknownOrEmptyOsNameConstrainsNothing() {
    assertThat(PodPlacement.of(new PodSpecBuilder().withNewOs("plan9").build()).constrained()).isFalse();
    assertThat(PodPlacement.of(new PodSpecBuilder().withNodeSelector(Map.of("kubernetes.io/os", "")).build()).constrained()).isFalse();
  }

  @Test
  void nodeSelectorOnOsAndArchAndTheirBetaLabels() {
    PodPlatforms arm = PodPlacement.of(new PodSpecBuilder().withNodeSelector(Map.of("kubernetes.io/arch", "arm64", "disk", "ssd")).build());
    assertThat(arm.allows("linux", "arm64")).isTrue();
    assertThat(arm.allows("linux", "amd64")).isFalse();
    PodPlatforms beta = PodPlacement.of(new PodSpecBuilder()
        .withNodeSelector(Map.of("beta.kubernetes.io/os", "windows", "beta.kubernetes.io/arch", "amd64")).build());
    assertThat(beta.allows("windows", "amd64")).isTrue();
    assertThat(beta.allows("windows", "arm64")).isFalse();
    assertThat(beta.allows("linux", "amd64")).isFalse();
  }

  @Test
  void termsAreOredAndExpressionsWithinATermAnded() {
    PodPlatforms placed = PodPlacement.of(affinity(
        term(expression("kubernetes.io/os", "In", "linux"), expression("kubernetes.io/arch", "In", "arm64")),
        term(expression("kubernetes.io/os", "In", "windows"))));
    assertThat(placed.allows("linux", "arm64")).isTrue();
    assertThat(placed.allows("linux", "amd64")).isFalse();
    assertThat(placed.allows("windows", "amd64")).isTrue();
  }

  @Test
  void aTermThatSaysNothingOfOsOrArchAllowsAnyPlatform() {
    PodPlatforms placed = PodPlacement.of(affinity(
        term(expression("kubernetes.io/arch", "In", "arm64")),
        term(expression("topology.kubernetes.io/zone", "In", "eu-1a"))));
    assertThat(placed.constrained()).isFalse();
    assertThat(placed.allows("linux", "amd64")).isTrue();
  }

  @Test
  void notInExistsAndDoesNotExistAsTheSchedulerEvaluatesThem() {
    assertThat(PodPlacement.of(affinity(term(expression("kubernetes.io/arch", "NotIn", "arm64", "arm")))).allows("linux", "arm64")).isFalse();
    assertThat(PodPlacement.of(affinity(term(expression("kubernetes.io/arch", "NotIn", "arm64")))).allows("linux", "amd64")).isTrue();
    // every node carries kubernetes.io/os: Exists allows all, DoesNotExist none
    assertThat(PodPlacement.of(affinity(term(expression("kubernetes.io/os", "Exists")))).allows("windows", "amd64")).isTrue();
    assertThat(PodPlacement.of(affinity(term(expression("kubernetes.io/os", "DoesNotExist")))).allows("linux", "amd64")).isFalse();
    // Gt/Lt compare numbers: never an os or architecture, so no constraint
    assertThat(PodPlacement.of(affinity(term(expression("kubernetes.io/arch", "Gt", "1")))).constrained()).isFalse();
  }

  @Test
  void nodeSelectorAndSpecOsHoldForEveryAffinityTerm() {
    PodSpec spec = affinity(term(expression("kubernetes.io/arch", "In", "amd64")), term(expression("kubernetes.io/arch", "In", "arm64")));
    spec.setNodeSelector(Map.of("kubernetes.io/os", "linux"));
    PodPlatforms placed = PodPlacement.of(spec);
    assertThat(placed.allows("linux", "amd64")).isTrue();
    assertThat(placed.allows("linux", "arm64")).isTrue();
    assertThat(placed.allows("windows", "amd64")).isFalse();

    PodSpec contradictory = affinity(term(expression("kubernetes.io/os", "In", "windows")));
    contradictory.setOs(new io.fabric8.kubernetes.api.model.PodOS("linux"));
    assertThat(PodPlacement.of(contradictory).allows("linux", "amd64")).isFalse();
    assertThat(PodPlacement.of(contradictory).allows("windows", "amd64")).isFalse();
  }
}
