package dev.imagegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.Mode;
import org.junit.jupiter.api.Test;

/** {@code imagegate check} reads the webhook's file, but nothing in it may reach for a cluster or warm an admission path. */
class AwayFromClusterTest {
  @Test
  void everyClusterFeatureTheWarmupAndThePrewarmAreOffWhateverTheFileSaysAndTheRestIsKept() {
    ImagegateConfig webhook = ConfigLoader.parse("""
        mode: warn
        rules:
          require-healthcheck: {mode: audit}
        namespaceModes: {enabled: true}
        events: {enabled: true}
        audit: {enabled: true}
        warmup: {budget: 5s}
        cache: {prewarm: true, prewarmBudget: 30s}
        registries:
          usePullSecrets: true
          dockerConfig: /etc/imagegate/docker/config.json
          insecure: ["registry.local:5000"]
        """);

    ImagegateConfig cli = webhook.awayFromCluster("/home/ci/.docker/config.json");

    assertThat(cli.namespaceModes().enabled()).isFalse();
    assertThat(cli.events().enabled()).isFalse();
    assertThat(cli.audit().enabled()).isFalse();
    assertThat(cli.registries().usePullSecrets()).isFalse();
    assertThat(cli.warmup().enabled()).isFalse();
    assertThat(cli.cache().prewarm()).isFalse();
    assertThat(cli.registries().dockerConfig()).isEqualTo("/home/ci/.docker/config.json");
    assertThat(cli.registries().insecure()).containsExactly("registry.local:5000");
    assertThat(cli.mode()).isEqualTo(Mode.WARN);
    assertThat(cli.rule("require-healthcheck").mode()).isEqualTo(Mode.AUDIT);
    assertThat(webhook.awayFromCluster(null).registries().dockerConfig()).isNull();
  }
}
