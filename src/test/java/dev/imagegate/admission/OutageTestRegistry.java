package dev.imagegate.admission;

import dev.imagegate.testing.FaultProxy;

/**
 * {@link WebhookTestRegistry} behind a {@link FaultProxy} (docker.io and gcr.io are mirrored to the
 * proxy), with a one-second {@code cache.tagTtl}: a test turns the registry off and on at will.
 */
public class OutageTestRegistry extends WebhookTestRegistry {
  static FaultProxy proxy;

  @Override
  protected String config(String registryHostPort) {
    proxy = FaultProxy.plain(registry);
    return """
        mode: enforce
        registries:
          mirrors:
            docker.io: http://%1$s
            gcr.io: http://%1$s
          insecure: ["%1$s"]
          timeout: 2s
        cache:
          tagTtl: 1s
          staleIfError: 1h
        """.formatted(proxy.hostPort());
  }

  @Override
  public void stop() {
    if (proxy != null) {
      proxy.close();
    }
    super.stop();
  }
}
