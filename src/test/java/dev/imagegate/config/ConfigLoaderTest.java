package dev.imagegate.config;

import dev.imagegate.policy.Modes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  @Test
  void emptyFileGivesDefaults() {
    ImagegateConfig config = ConfigLoader.parse("");
    assertThat(config.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(config.registries().platforms()).containsExactly("linux/amd64", "linux/arm64");
    assertThat(config.registries().onError()).isEqualTo(OnError.DENY);
    assertThat(config.registries().timeout()).isEqualTo(Duration.ofSeconds(8));
    assertThat(config.cache().maxImages()).isEqualTo(10_000L);
    assertThat(new Modes(config).rule("run-as-non-root", null)).isEqualTo(Mode.ENFORCE);
    assertThat(config.limits().maxImagesPerRequest()).isEqualTo(100);
  }

  @Test
  void limitsAreReadAndChecked() {
    assertThat(ConfigLoader.parse("limits:\n  maxImagesPerRequest: 20\n").limits().maxImagesPerRequest()).isEqualTo(20);
    assertThatThrownBy(() -> ConfigLoader.parse("limits:\n  maxImagesPerRequest: 0\n"))
        .hasMessageContaining("limits.maxImagesPerRequest");
    assertThatThrownBy(() -> ConfigLoader.parse("limits:\n  maxEnv: 3\n")).hasMessageContaining("maxEnv");
  }

  @Test
  void readsEveryDocumentedKey() {
    ImagegateConfig config = ConfigLoader.parse("""
        mode: warn
        rules:
          run-as-non-root:
            mode: enforce
            requireNumericUser: true
            exemptions:
              images: ["docker.io/library/busybox:*"]
          disallow-latest-tag:
            mode: off
        exemptions:
          namespaces: [kube-system]
          images: ["registry.internal/base/*"]
        registries:
          mirrors:
            docker.io: http://127.0.0.1:5000
          insecure: ["localhost:5000"]
          platforms: [linux/amd64]
          onError: allow
          timeout: 3s
          dockerConfig: /etc/imagegate/docker/config.json
        cache:
          maxImages: 500
          maxTags: 200
          tagTtl: 30s
        """);
    assertThat(config.mode()).isEqualTo(Mode.WARN);
    assertThat(new Modes(config).rule("run-as-non-root", null)).isEqualTo(Mode.ENFORCE);
    assertThat(new Modes(config).rule("disallow-latest-tag", null)).isEqualTo(Mode.OFF);
    assertThat(new Modes(config).rule("require-healthcheck", null)).isEqualTo(Mode.WARN);
    assertThat(config.rule("run-as-non-root").options()).containsEntry("requireNumericUser", true);
    assertThat(config.rule("run-as-non-root").exemptions().images()).containsExactly("docker.io/library/busybox:*");
    assertThat(config.exemptions().namespaces()).containsExactly("kube-system");
    assertThat(config.registries().mirrors()).isEqualTo(Map.of("docker.io", "http://127.0.0.1:5000"));
    assertThat(config.registries().insecure()).isEqualTo(List.of("localhost:5000"));
    assertThat(config.registries().platforms()).containsExactly("linux/amd64");
    assertThat(config.registries().onError()).isEqualTo(OnError.ALLOW);
    assertThat(config.registries().timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.registries().dockerConfig()).isEqualTo("/etc/imagegate/docker/config.json");
    assertThat(config.cache()).isEqualTo(new CacheSettings(500L, 200L, Duration.ofSeconds(30)));
  }

  @Test
  void staleIfErrorDefaultsToADayAndZeroTurnsItOff() {
    assertThat(ConfigLoader.parse("").cache().staleIfError()).isEqualTo(Duration.ofHours(24));
    assertThat(ConfigLoader.parse("cache:\n  staleIfError: 0s\n").cache().staleIfError()).isZero();
    assertThat(ConfigLoader.parse("cache:\n  staleIfError: 2h\n").cache().staleIfError()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void aNegativeStaleIfErrorIsRefusedWithItsKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("cache:\n  staleIfError: -PT1S\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cache.staleIfError must not be negative");
    assertThatThrownBy(() -> ConfigLoader.parse("cache:\n  staleIfError: a day\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("staleIfError");
  }

  @Test
  void prewarmIsUnsetUntilSetAndItsBudgetDefaultsToTwentySeconds() {
    assertThat(ConfigLoader.parse("").cache().prewarm()).as("unset: on in a cluster only").isNull();
    assertThat(ConfigLoader.parse("").cache().prewarmBudget()).isEqualTo(Duration.ofSeconds(20));
    var cache = ConfigLoader.parse("cache:\n  prewarm: false\n  prewarmBudget: 45s\n").cache();
    assertThat(cache.prewarm()).isFalse();
    assertThat(cache.prewarmBudget()).isEqualTo(Duration.ofSeconds(45));
    assertThatThrownBy(() -> ConfigLoader.parse("cache:\n  prewarmBudget: -PT1S\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cache.prewarmBudget must not be negative");
  }

  @Test
  void misspeltKeyIsRefusedWithItsName() {
    assertThatThrownBy(() -> ConfigLoader.parse("registries:\n  mirorrs: {}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mirorrs")
        .hasMessageContaining("(at registries.mirorrs)");
    assertThatThrownBy(() -> ConfigLoader.parse("exceptions:\n  - {name: a, rules: [\"*\"], namespaces: [x], reason: r, expirs: 2027-01-01}\n"))
        .hasMessageContaining("(at exceptions[0].expirs)");
  }

  @Test
  void unknownModeIsRefused() {
    assertThatThrownBy(() -> ConfigLoader.parse("mode: strict\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("strict");
  }

  @Test
  void globalModeCannotBeOff() {
    assertThatThrownBy(() -> ConfigLoader.parse("mode: off\n")).hasMessageContaining("only for single rules");
  }

  @Test
  void durationsAcceptKubernetesAndIsoForms() {
    assertThat(ConfigLoader.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(ConfigLoader.duration("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(ConfigLoader.duration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(ConfigLoader.duration("PT2S")).isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> ConfigLoader.duration("soon")).hasMessageContaining("invalid duration");
  }

  @Test
  void ruleOptionsWithAMisspeltKeyFailWhenTheRuleReadsThem() {
    RuleSettings settings = ConfigLoader.parse("rules:\n  x:\n    requireNumericUsr: true\n").rule("x");
    record Options(Boolean requireNumericUser) {}
    assertThatThrownBy(() -> settings.options(Options.class)).hasMessageContaining("requireNumericUsr");
  }
}
