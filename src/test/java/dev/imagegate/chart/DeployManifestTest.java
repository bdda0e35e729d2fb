package dev.imagegate.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.chart.HelmChart.Rendered;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * deploy/imagegate.yaml is exactly a fresh render of the chart. With
 * {@code -Dimagegate.deploy.write=true} (scripts/render-deploy.sh) it is rewritten first.
 */
class DeployManifestTest {

  @Test
  void checkedInManifestEqualsAFreshRenderOfTheChart() throws Exception {
    String fresh = DeployManifest.render();
    if (Boolean.getBoolean("imagegate.deploy.write")) {
      DeployManifest.main(new String[0]);
    }
    assertThat(DeployManifest.FILE).as("run scripts/render-deploy.sh").exists();
    assertThat(Files.readString(DeployManifest.FILE))
        .as("deploy/imagegate.yaml is stale: run scripts/render-deploy.sh and commit the result")
        .isEqualTo(fresh);
  }

  @Test
  void manifestIsCompleteAndHoldsNoKeyMaterial() throws Exception {
    Rendered manifest = Rendered.parse(Files.readString(DeployManifest.FILE));
    assertThat(manifest.one(Namespace.class).getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    assertThat(manifest.all(Secret.class)).as("no private key in the repository").isEmpty();
    assertThat(manifest.yaml()).doesNotContain("PRIVATE KEY", "caBundle:");
    assertThat(manifest.one(Deployment.class).getSpec().getReplicas()).isEqualTo(3);
    assertThat(manifest.one(ValidatingWebhookConfiguration.class).getMetadata().getAnnotations())
        .containsEntry("cert-manager.io/inject-ca-from", "imagegate/imagegate-tls");
    assertThat(manifest.ofKind("Certificate")).hasSize(2);
    assertThat(manifest.objects()).allSatisfy(o -> {
      if (!(o instanceof Namespace) && o.getMetadata().getNamespace() != null) {
        assertThat(o.getMetadata().getNamespace()).isEqualTo("imagegate");
      }
    });
  }
}
