package dev.imagegate.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagegate.chart.HelmChart.Rendered;
import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.ImagegateConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code webhook.enabled=false}: everything but the ValidatingWebhookConfiguration, for the audit
 * alone (a staged install: audit first, webhook later; or a second release for the audit).
 */
class ChartStagedInstallTest {

  @Test
  void withoutTheWebhookEverythingElseIsInstalledAndTheAuditKeepsTheWebhooksSelectors() {
    Rendered staged = HelmChart.render(Map.of("webhook.enabled", false, "audit.enabled", true));
    Rendered full = HelmChart.render(Map.of("audit.enabled", true));

    List<String> expected = new ArrayList<>(full.kinds());
    expected.remove("ValidatingWebhookConfiguration");
    assertThat(staged.kinds()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(staged.all(ValidatingWebhookConfiguration.class)).isEmpty();
    assertThat(staged.one(Secret.class).getData()).as("the serving certificate is there for the second stage")
        .containsKeys("ca.crt", "tls.crt", "tls.key");
    assertThat(staged.one(Deployment.class).getSpec().getReplicas()).isEqualTo(3);

    ImagegateConfig config = ConfigLoader.parse(staged.one(ConfigMap.class).getData().get("config.yaml"));
    assertThat(config.audit().enabled()).isTrue();
    assertThat(config.audit().namespaceSelector())
        .as("the audit judges what the webhook will be called for once it is registered")
        .isEqualTo(ConfigLoader.parse(full.one(ConfigMap.class).getData().get("config.yaml")).audit().namespaceSelector());
    assertThat(config.audit().namespaceSelector().matches(Map.of("kubernetes.io/metadata.name", "kube-system"))).isFalse();
  }

  @Test
  void withoutTheWebhookAndWithoutTheAuditNothingWouldRunSoTheRenderFailsSayingWhy() {
    assertThatThrownBy(() -> HelmChart.template(Map.of("webhook.enabled", false)))
        .hasMessageContaining("webhook.enabled=false").hasMessageContaining("set audit.enabled=true");
  }

  @Test
  void secondStageRegistersTheWebhookWithTheSameCertificateValues() {
    Rendered second = HelmChart.render(Map.of("webhook.enabled", true, "audit.enabled", true));
    assertThat(second.one(ValidatingWebhookConfiguration.class).getWebhooks().get(0).getClientConfig().getCaBundle())
        .isEqualTo(second.one(Secret.class).getData().get("ca.crt"));
  }
}
