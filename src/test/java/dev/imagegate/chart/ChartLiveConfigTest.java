package dev.imagegate.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * imagegate reloads its configuration file live, so a values change that touches only live keys
 * changes the ConfigMap and leaves the pod template alone (no restart); a change to a key read only at
 * start (RestartOnlyKeys) changes the pod template, so the pods roll.
 */
class ChartLiveConfigTest {
  private static HelmChart.Rendered defaults;

  @BeforeAll
  static void render() {
    defaults = HelmChart.render(Map.of());
  }

  private static PodTemplateSpec podTemplate(HelmChart.Rendered chart) {
    return chart.one(Deployment.class).getSpec().getTemplate();
  }

  private static String config(HelmChart.Rendered chart) {
    return chart.one(ConfigMap.class).getData().get("config.yaml");
  }

  @Test
  void theDeploymentRendersWithoutTheConfigurationChecksum() {
    assertThat(podTemplate(defaults).getMetadata().getAnnotations()).doesNotContainKey("checksum/config")
        .containsKey("checksum/restart-only-config");
  }

  @Test
  void changingLiveKeysChangesTheConfigMapButNotThePodTemplate() {
    HelmChart.Rendered changed = HelmChart.render(Map.of("mode", "warn", "rules.run-as-non-root.mode", "audit",
        "exemptions.namespaces[0]", "legacy", "registries.timeout", "3s", "cache.tagTtl", "30s", "limits.maxImagesPerRequest", 20,
        "extraConfig.exceptions[0].name", "vendor", "extraConfig.exceptions[0].rules[0]", "run-as-non-root",
        "extraConfig.exceptions[0].namespaces[0]", "payments", "extraConfig.exceptions[0].reason", "vendor image"));

    assertThat(config(changed)).isNotEqualTo(config(defaults)).contains("mode: warn").contains("vendor");
    assertThat(podTemplate(changed)).as("no pod restarts").isEqualTo(podTemplate(defaults));
  }

  @Test
  void changingAKeyReadOnlyAtStartRollsThePods() {
    for (Map<String, ?> set : List.<Map<String, ?>>of(Map.of("audit.interval", "30m"), Map.of("events.interval", "5m"),
        Map.of("cache.prewarmBudget", "10s"), Map.of("registries.usePullSecrets", true))) {
      assertThat(podTemplate(HelmChart.render(set)).getMetadata().getAnnotations().get("checksum/restart-only-config"))
          .as("%s", set).isNotEqualTo(podTemplate(defaults).getMetadata().getAnnotations().get("checksum/restart-only-config"));
    }
  }

  @Test
  void restartOnConfigChangeRollsThePodsOnEveryConfigurationChange() {
    HelmChart.Rendered before = HelmChart.render(Map.of("restartOnConfigChange", true));
    HelmChart.Rendered after = HelmChart.render(Map.of("restartOnConfigChange", true, "mode", "warn"));

    assertThat(podTemplate(before).getMetadata().getAnnotations()).containsKey("checksum/config");
    assertThat(podTemplate(after).getMetadata().getAnnotations().get("checksum/config"))
        .isNotEqualTo(podTemplate(before).getMetadata().getAnnotations().get("checksum/config"));
  }
}
