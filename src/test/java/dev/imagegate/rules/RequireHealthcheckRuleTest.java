package dev.imagegate.rules;

import static dev.imagegate.rules.Containers.container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RequireHealthcheckRuleTest {
  private final RequireHealthcheckRule rule = new RequireHealthcheckRule(new RequireHealthcheckRule.Options(null));
  private final RequireHealthcheckRule imageOnly = new RequireHealthcheckRule(new RequireHealthcheckRule.Options(false));

  private static List<String> messages(Rule rule, ContainerContext container, ImageFacts image) {
    return Violations.messages(rule, container, image);
  }

  @Test
  void idIsStable() {
    assertThat(rule.id()).isEqualTo("require-healthcheck").isEqualTo(RequireHealthcheckRule.ID);
    assertThat(rule.needsImage()).isTrue();
  }

  @Test
  void officialNginxWithoutHealthcheckOrProbeFails() {
    assertThat(messages(rule, container().build(), ImageConfigs.load(ImageConfigs.NGINX)))
        .containsExactly(
            "image has no HEALTHCHECK and no probe is set;"
                + " add a HEALTHCHECK to the Dockerfile or a liveness/readiness probe");
  }

  @Test
  void kongCmdShellHealthcheckPasses() {
    assertThat(messages(imageOnly, container().build(), ImageConfigs.load(ImageConfigs.KONG))).isEmpty();
  }

  @Test
  void cmdHealthcheckPasses() {
    ImageFacts image = ImageConfigs.withHealthcheck("CMD", "curl", "-f", "http://localhost:8000/health");
    assertThat(messages(imageOnly, container().build(), image)).isEmpty();
  }

  @Test
  void probeStandsInForHealthcheckByDefault() {
    assertThat(messages(rule, container().withProbe().build(), ImageConfigs.load(ImageConfigs.NGINX))).isEmpty();
  }

  @Test
  void probeDoesNotCountWhenAcceptProbesIsOff() {
    assertThat(messages(imageOnly, container().withProbe().build(), ImageConfigs.load(ImageConfigs.NGINX)))
        .containsExactly("image has no HEALTHCHECK; add a HEALTHCHECK to the Dockerfile (probes do not count under this policy)");
  }

  @Test
  void healthcheckNoneDisablesTheInheritedCheck() {
    assertThat(messages(rule, container().build(), ImageConfigs.withHealthcheck("NONE")))
        .containsExactly(
            "image HEALTHCHECK is NONE and no probe is set;"
                + " add a HEALTHCHECK to the Dockerfile or a liveness/readiness probe");
  }

  @Test
  void emptyHealthcheckTestCountsAsNone() {
    assertThat(messages(rule, container().build(), ImageConfigs.withHealthcheck())).hasSize(1);
  }

  @Test
  void absentHealthcheckCountsAsNone() {
    assertThat(messages(rule, container().build(), ImageConfigs.withHealthcheck((String[]) null))).hasSize(1);
  }

  @Test
  void sidecarIsJudgedLikeAnAppContainer() {
    assertThat(messages(rule, container().kind(ContainerKind.SIDECAR).build(), ImageConfigs.load(ImageConfigs.NGINX)))
        .hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(value = ContainerKind.class, names = {"INIT", "EPHEMERAL"})
  void containersThatRunToCompletionAreNotJudged(ContainerKind kind) {
    assertThat(messages(imageOnly, container().kind(kind).build(), ImageConfigs.load(ImageConfigs.NGINX))).isEmpty();
  }

  @Test
  void acceptProbesDefaultsToTrueWhenTheRuleIsNotConfigured() {
    RequireHealthcheckRule configured = new RequireHealthcheckRule(ImagegateConfig.defaults());
    assertThat(messages(configured, container().withProbe().build(), ImageConfigs.load(ImageConfigs.NGINX))).isEmpty();
  }

  @Test
  void acceptProbesIsReadFromTheConfiguration() {
    RequireHealthcheckRule configured =
        new RequireHealthcheckRule(Violations.configWithOptions(RequireHealthcheckRule.ID, Map.of("acceptProbes", false)));
    assertThat(messages(configured, container().withProbe().build(), ImageConfigs.load(ImageConfigs.NGINX))).hasSize(1);
  }
}
