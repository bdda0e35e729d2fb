package dev.imagegate.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.config.ConfigException;
import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.rules.DisallowLatestTagRule;
import dev.imagegate.rules.NoSecretsInEnvRule;
import dev.imagegate.rules.RequireHealthcheckRule;
import dev.imagegate.rules.Rule;
import dev.imagegate.rules.RunAsNonRootRule;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class AdmissionWarmupTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static AdmissionWarmup warmup(String yaml, int admissions) {
    ImagegateConfig config = ConfigLoader.parse(yaml);
    List<Rule> rules = List.of(new RunAsNonRootRule(config), new RequireHealthcheckRule(config),
        new DisallowLatestTagRule(config), new NoSecretsInEnvRule(config));
    return new AdmissionWarmup(new AdmissionReviews(MAPPER), new DecisionLog(MAPPER), config, rules,
        new NamespaceModes(false, null), admissions);
  }

  @Test
  void notReadyUntilTheWarmUpHasRunThenReady() {
    AdmissionWarmup warmup = warmup("mode: enforce\n", 8);
    AdmissionWarmupReadiness readiness = new AdmissionWarmupReadiness(warmup);
    assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);

    warmup.run();

    assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
  }

  @Test
  void judgesTheApiserverShapedReviewsWithImagesThatPassAndImagesThatFail() {
    AdmissionWarmup.Result result = warmup("mode: enforce\n", 30).run();

    assertThat(result.admissions()).isEqualTo(30);
    assertThat(result.outOfTime()).isFalse();
    // the made-up images take turns: some reviews are denied, some allowed, so both branches run
    assertThat(result.denied()).isBetween(1, 29);
  }

  @Test
  void writesNoDecisionLine() {
    List<LogRecord> lines = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        lines.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger decisions = Logger.getLogger("imagegate.decision");
    decisions.addHandler(capture);
    try {
      warmup("mode: enforce\n", 12).run();
    } finally {
      decisions.removeHandler(capture);
    }
    assertThat(lines).isEmpty();
  }

  @Test
  void stopsWhenItsBudgetHasPassed() {
    AdmissionWarmup warmup = warmup("warmup:\n  budget: 1ms\n", Integer.MAX_VALUE);

    AdmissionWarmup.Result result = warmup.run();

    assertThat(result.outOfTime()).isTrue();
    assertThat(warmup.finished()).isTrue();
  }

  @Test
  void aZeroBudgetSwitchesItOffAndTheReplicaIsReadyAtOnce() {
    AdmissionWarmup warmup = warmup("warmup:\n  budget: 0s\n", 8);

    assertThat(new AdmissionWarmupReadiness(warmup).call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
  }

  @Test
  void aNegativeBudgetIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("warmup:\n  budget: -PT1S\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("warmup.budget");
  }

  @Test
  void anUnknownWarmupKeyIsRefusedNamingIt() {
    assertThatThrownBy(() -> ConfigLoader.parse("warmup:\n  requests: 100\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("requests");
  }
}
