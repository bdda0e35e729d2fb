package dev.imagegate.admission;

/**
 * {@link WebhookTestRegistry} with the Kubernetes-backed features on: namespace modes, events,
 * cache pre-warming and the background audit, against the mock API server of {@code @WithKubernetesTestServer}. The
 * global mode is warn, and disallow-latest-tag enforces on its own.
 */
public class ClusterTestRegistry extends WebhookTestRegistry {
  @Override
  protected String config(String registryHostPort) {
    return """
        mode: warn
        rules:
          disallow-latest-tag:
            mode: enforce
        exemptions:
          namespaces: [kube-system]
        registries:
          mirrors:
            docker.io: http://%1$s
            gcr.io: http://%1$s
          insecure: ["%1$s"]
          timeout: 3s
        cache:
          prewarm: true
        namespaceModes:
          enabled: true
        events:
          enabled: true
          interval: 10m
        audit:
          enabled: true
          interval: 1h
        """.formatted(registryHostPort);
  }
}
