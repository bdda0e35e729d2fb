package dev.imagegate.rules;

import static dev.imagegate.rules.Containers.container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.image.ImageFacts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

class NoSshPortRuleTest {
  static final List<String> officialImages = ImageConfigs.OFFICIAL;

  private final NoSshPortRule rule = new NoSshPortRule(new NoSshPortRule.Options(null));

  private List<String> messages(NoSshPortRule rule, ImageFacts image) {
    return Violations.messages(rule, container().build(), image);
  }

  @Test
  void idIsStableAndTheRuleIsOffByDefault() {
    assertThat(rule.id()).isEqualTo("no-ssh-port");
    assertThat(rule.onByDefault()).isFalse();
  }

  /** nginx 80, postgres 5432, redis 6379, kong 8000-8444. */
  @ParameterizedTest
  @FieldSource("officialImages")
  void officialImagesExposeNoSsh(String fixture) {
    assertThat(messages(rule, ImageConfigs.load(fixture))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"22/tcp", "22", "22/TCP"})
  void sshPortIsReported(String port) {
    assertThat(messages(rule, ImageConfigs.config().ports("8080/tcp", port).facts()))
        .containsExactly("image exposes \"" + port + "\" (SSH); use kubectl exec instead of an SSH server");
  }

  @ParameterizedTest
  @ValueSource(strings = {"22/udp", "2222/tcp", "220/tcp", "022x/tcp", "/tcp"})
  void otherPortsPass(String port) {
    assertThat(messages(rule, ImageConfigs.config().ports(port).facts())).isEmpty();
  }

  @Test
  void configuredPorts() {
    NoSshPortRule rule = new NoSshPortRule(Violations.configWithOptions(NoSshPortRule.ID, Map.of("ports", List.of(22, 2222))));
    assertThat(messages(rule, ImageConfigs.config().ports("2222/tcp").facts())).hasSize(1);
  }
}
