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
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheckResponse;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The warm-up's switches and failures; its traffic through the webhook port: AdmissionWarmupThroughPortTest. */
class AdmissionWarmupTest {
  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private static AdmissionWarmup warmup(String yaml, int admissions, URI webhook) {
    ImagegateConfig config = ConfigLoader.parse(yaml);
    List<Rule> rules = List.of(new RunAsNonRootRule(config), new RequireHealthcheckRule(config),
        new DisallowLatestTagRule(config), new NoSecretsInEnvRule(config));
    return new AdmissionWarmup(vertx, new AdmissionReviews(new ObjectMapper()), new DecisionLog(new ObjectMapper()), config, rules, new NamespaceModes(false, null), admissions, webhook);
  }

  /** A loopback port nothing listens on. */
  private static URI closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return URI.create("https://127.0.0.1:" + socket.getLocalPort() + "/validate");
    }
  }

  @Test
  void notReadyWhileItRunsAndReadyWhenItGivesUpOnAPortThatDoesNotAnswer() throws IOException {
    AdmissionWarmup warmup = warmup("warmup:\n  budget: 300ms\n", 100, closedPort());
    AdmissionWarmupReadiness readiness = new AdmissionWarmupReadiness(warmup);
    assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);

    warmup.run();

    // a warm-up that cannot reach its port costs speed, never availability
    assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    assertThat(warmup.result().admissions()).isZero();
    assertThat(warmup.result().outOfTime()).isTrue();
  }

  @Test
  void aZeroBudgetSwitchesItOffAndTheReplicaIsReadyAtOnce() throws IOException {
    AdmissionWarmup warmup = warmup("warmup:\n  budget: 0s\n", 8, closedPort());

    assertThat(new AdmissionWarmupReadiness(warmup).call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
  }

  @Test
  void noAdmissionsSwitchesItOff() throws IOException {
    AdmissionWarmup warmup = warmup("mode: enforce\n", 0, closedPort());

    assertThat(warmup.finished()).isTrue();
  }

  @Test
  void itsTokenIsHonouredOnlyWhileItRunsAndOnlyWhenExact() throws IOException {
    AdmissionWarmup warmup = warmup("warmup:\n  budget: 100ms\n", 8, closedPort());

    assertThat(warmup.owns(null)).isFalse();
    assertThat(warmup.owns("")).isFalse();
    assertThat(warmup.owns("0".repeat(32))).isFalse();
    warmup.run();
    assertThat(warmup.owns("0".repeat(32))).isFalse();
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
