package dev.imagegate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.config.Mode;
import dev.imagegate.policy.Finding;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.policy.Verdict;
import dev.imagegate.registry.ErrorReason;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionLogTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void durationIsMillisecondsRoundedToTwoDecimals() {
    assertThat(DecisionLog.milliseconds(0)).isEqualTo("0.00");
    assertThat(DecisionLog.milliseconds(4_999)).isEqualTo("0.00");
    assertThat(DecisionLog.milliseconds(5_000)).isEqualTo("0.01");
    assertThat(DecisionLog.milliseconds(1_070_000)).isEqualTo("1.07");
    assertThat(DecisionLog.milliseconds(12_345_678)).isEqualTo("12.35");
    assertThat(DecisionLog.milliseconds(-1)).isEqualTo("0.00");
  }

  @Test
  void anImageThatCouldNotBeReadCarriesTheRegistryFailuresReason() throws Exception {
    AdmissionCall call = new AdmissionCall("uid-1", "CREATE", null, false, new AdmissionCall.Kind("", "v1", "Pod"), "apps", "web",
        null, false, null);
    Verdict verdict = new Verdict(List.of(
        new Finding("web", "nginx:1.27", "run-as-non-root", "image runs as root", Mode.ENFORCE),
        new Finding("side", "registry.example.com/gone:1", PolicyEngine.IMAGE_UNAVAILABLE,
            "registry.example.com/gone:1: manifest unknown (HTTP 404)", Mode.ENFORCE, ErrorReason.NOT_FOUND)));
    Decision decision = new Decision(new AdmissionResponseBuilder().withUid("uid-1").withAllowed(false).build(), verdict, null);

    JsonNode line = MAPPER.readTree(new DecisionLog(MAPPER).line(call, decision, 1_000_000));

    JsonNode violations = line.path("violations");
    assertThat(violations.size()).isEqualTo(2);
    assertThat(violations.get(0).has("reason")).as("a rule's violation has no registry reason").isFalse();
    assertThat(violations.get(1).path("rule").asText()).isEqualTo("image-unavailable");
    assertThat(violations.get(1).path("message").asText()).isEqualTo("registry.example.com/gone:1: manifest unknown (HTTP 404)");
    assertThat(violations.get(1).path("reason").asText()).isEqualTo("not_found");
  }
}
