package dev.imagegate.chart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code deploy/imagegate.yaml}: the chart rendered for users without Helm. Default values, except
 * that the certificate comes from cert-manager: a render with the chart's own CA would put one
 * private key, the same for every user, into the repository, and a new one on every render.
 * Regenerate with {@code scripts/render-deploy.sh}; {@link DeployManifestTest} fails when it is stale.
 */
final class DeployManifest {
  static final Path FILE = Path.of("deploy", "imagegate.yaml");
  static final Map<String, Object> VALUES = Map.of("certManager.enabled", true);

  private static final String HEADER = """
      # imagegate: plain Kubernetes manifests for users without Helm.
      #
      # Generated from charts/imagegate with its default values and certManager.enabled=true
      # (release "imagegate", namespace "imagegate"). Do not edit: change the chart and run
      #   scripts/render-deploy.sh
      # CI fails when this file differs from a fresh render.
      #
      # Needs cert-manager (it issues the webhook's certificate and injects its CA). Install:
      #   kubectl apply -f deploy/imagegate.yaml
      #   kubectl -n imagegate rollout status deployment/imagegate
      # Without cert-manager, use the Helm chart (it makes its own CA): docs/deployment.md.
      ---
      # The namespace, at the Pod Security "restricted" level that imagegate's pods meet.
      apiVersion: v1
      kind: Namespace
      metadata:
        name: imagegate
        labels:
          pod-security.kubernetes.io/enforce: restricted
          pod-security.kubernetes.io/enforce-version: latest
          pod-security.kubernetes.io/warn: restricted
      """;

  private DeployManifest() {}

  static String render() {
    String chart = HelmChart.template(VALUES);
    return HEADER + (chart.startsWith("---") ? chart : "---\n" + chart).stripTrailing() + "\n";
  }

  /** Writes a fresh render to deploy/imagegate.yaml (run from the project root). */
  public static void main(String[] args) throws IOException {
    Files.createDirectories(FILE.getParent());
    Files.writeString(FILE, render());
    System.out.println("wrote " + FILE.toAbsolutePath());
  }
}
