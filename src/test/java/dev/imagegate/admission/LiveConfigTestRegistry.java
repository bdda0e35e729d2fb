package dev.imagegate.admission;

import dev.imagegate.testing.ConfigMapVolume;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.TestImages;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/**
 * A real registry with nginx (root, no HEALTHCHECK) behind docker.io's mirror, and imagegate's
 * configuration in a directory laid out as a ConfigMap volume, which {@link LiveConfigurationTest}
 * changes as the kubelet would.
 */
public class LiveConfigTestRegistry implements QuarkusTestResourceLifecycleManager {
  static LocalRegistry registry;
  static ConfigMapVolume volume;

  @Override
  public Map<String, String> start() {
    registry = LocalRegistry.startPlain("live-config");
    TestImages.in(registry).push("library/nginx", "1.27", TestImages.nginx());
    try {
      volume = ConfigMapVolume.create(Files.createTempDirectory("imagegate-live-config"), "config.yaml", config("warn"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // the periodic re-read is ConfigWatcherTest's: here the ConfigMap's own symlink swap is what is seen
    return Map.of("imagegate.config", volume.file().toString(), "imagegate.config-reload.interval", "1h",
        "imagegate.config-reload.settle", "20ms");
  }

  /** run-as-non-root in {@code mode}, the health check rule off: nginx:1.27 is judged on its root user alone. */
  static String config(String mode) {
    return """
        mode: enforce
        rules:
          run-as-non-root: {mode: %1$s}
          require-healthcheck: {mode: "off"}
        registries:
          mirrors:
            docker.io: http://%2$s
          insecure: ["%2$s"]
          timeout: 3s
        """.formatted(mode, registry.hostPort());
  }

  @Override
  public void stop() {
    if (registry != null) {
      registry.close();
    }
  }
}
