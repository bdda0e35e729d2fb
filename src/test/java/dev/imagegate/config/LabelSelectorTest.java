package dev.imagegate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * audit.namespaceSelector and audit.objectSelector select what a webhook's selectors of the same
 * text select (k8s.io/apimachinery LabelSelectorAsSelector: matchLabels as equality, In, NotIn with
 * an absent label matching, Exists, DoesNotExist; all ANDed; an empty selector selects everything).
 */
class LabelSelectorTest {
  private static LabelSelector selector(String yaml) {
    return ConfigLoader.parse("audit:\n  namespaceSelector:\n" + yaml.indent(4)).audit().namespaceSelector();
  }

  @Test
  void emptyOrAbsentSelectorSelectsEverything() {
    assertThat(ConfigLoader.parse("").audit().namespaceSelector().matches(Map.of("a", "b"))).isTrue();
    assertThat(ConfigLoader.parse("audit:\n  objectSelector: {}\n").audit().objectSelector().matches(null)).isTrue();
  }

  @Test
  void matchLabelsNeedsEveryPairWithItsExactValue() {
    LabelSelector s = selector("matchLabels: {team: payments, tier: web}");
    assertThat(s.matches(Map.of("team", "payments", "tier", "web", "other", "x"))).isTrue();
    assertThat(s.matches(Map.of("team", "payments"))).isFalse();
    assertThat(s.matches(Map.of("team", "Payments", "tier", "web"))).as("values are case-sensitive").isFalse();
  }

  @Test
  void notInMatchesAnAbsentLabelAsTheApiserverDoes() {
    LabelSelector s = selector("""
        matchExpressions:
          - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system, imagegate]}
          - {key: imagegate.dev/ignore, operator: NotIn, values: ["true"]}
        """);
    assertThat(s.matches(Map.of("kubernetes.io/metadata.name", "apps"))).isTrue();
    assertThat(s.matches(Map.of())).as("no labels at all: NotIn holds").isTrue();
    assertThat(s.matches(Map.of("kubernetes.io/metadata.name", "kube-system"))).isFalse();
    assertThat(s.matches(Map.of("kubernetes.io/metadata.name", "apps", "imagegate.dev/ignore", "true"))).isFalse();
    assertThat(s.matches(Map.of("kubernetes.io/metadata.name", "apps", "imagegate.dev/ignore", "false"))).isTrue();
  }

  @Test
  void inExistsAndDoesNotExist() {
    assertThat(selector("matchExpressions: [{key: env, operator: In, values: [prod, staging]}]").matches(Map.of("env", "prod"))).isTrue();
    assertThat(selector("matchExpressions: [{key: env, operator: In, values: [prod]}]").matches(Map.of())).isFalse();
    assertThat(selector("matchExpressions: [{key: team, operator: Exists}]").matches(Map.of("team", ""))).isTrue();
    assertThat(selector("matchExpressions: [{key: team, operator: Exists}]").matches(Map.of())).isFalse();
    assertThat(selector("matchExpressions: [{key: skip, operator: DoesNotExist}]").matches(Map.of("skip", "no"))).isFalse();
    assertThat(selector("matchExpressions: [{key: skip, operator: DoesNotExist}]").matches(Map.of())).isTrue();
  }

  @Test
  void whatTheApiserverRefusesIsRefusedWithTheKeyNamed() {
    assertThatThrownBy(() -> selector("matchExpressions: [{key: env, operator: notin, values: [a]}]"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("audit.namespaceSelector.matchExpressions[0].operator")
        .hasMessageContaining("\"notin\"");
    assertThatThrownBy(() -> selector("matchExpressions: [{key: env, operator: Gt, values: [\"1\"]}]"))
        .hasMessageContaining("is not In, NotIn, Exists or DoesNotExist");
    assertThatThrownBy(() -> selector("matchExpressions: [{key: env, operator: In}]"))
        .hasMessageContaining("audit.namespaceSelector.matchExpressions[0].values: In needs at least one value");
    assertThatThrownBy(() -> selector("matchExpressions: [{key: env, operator: Exists, values: [x]}]"))
        .hasMessageContaining("Exists takes no values");
    assertThatThrownBy(() -> selector("matchExpressions: [{operator: Exists}]"))
        .hasMessageContaining("matchExpressions[0].key");
    assertThatThrownBy(() -> ConfigLoader.parse("audit:\n  objectSelector:\n    matchLabel: {a: b}\n"))
        .hasMessageContaining("matchLabel");
  }
}
