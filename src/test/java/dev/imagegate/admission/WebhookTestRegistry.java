package dev.imagegate.admission;

import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.TestImages;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real distribution registry standing in for Docker Hub and gcr.io (through imagegate's mirrors),
 * holding images shaped like the official ones, and an imagegate configuration that points at it.
 */
public class WebhookTestRegistry implements QuarkusTestResourceLifecycleManager {
  static LocalRegistry registry;

  @Override
  public Map<String, String> start() {
    registry = LocalRegistry.startPlain("webhook");
    TestImages images = TestImages.in(registry);
    images.push("library/nginx", "1.27", TestImages.nginx());
    images.push("library/nginx", "latest", TestImages.nginx());
    images.push("library/python", "3.12", TestImages.python());
    images.push("library/kong", "3.8", TestImages.kong());
    images.push("distroless/static", "nonroot", TestImages.distrolessNonroot());
    images.push("distroless/static", "latest", TestImages.distrolessRoot());
    images.push("acme/leaky", "1.0", TestImages.leaky());
    images.pushIndex("library/busybox", "1.36", TestImages.Format.OCI, true,
        TestImages.distrolessNonroot().platform("linux/amd64"), TestImages.distrolessNonroot().platform("linux/arm64"));
    String config = config(registry.hostPort());
    try {
      Path file = Files.createTempFile("imagegate-test", ".yaml");
      Files.writeString(file, config);
      return Map.of("imagegate.config", file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The registry behind the running test application. */
  public static LocalRegistry registry() {
    return registry;
  }

  /** The imagegate configuration: docker.io and gcr.io mirrored to the local registry. */
  protected String config(String registryHostPort) {
    return """
        mode: enforce
        exemptions:
          namespaces: [kube-system]
        registries:
          mirrors:
            docker.io: http://%1$s
            gcr.io: http://%1$s
          insecure: ["%1$s"]
          timeout: 3s
        """.formatted(registryHostPort);
  }

  @Override
  public void stop() {
    if (registry != null) {
      registry.close();
    }
  }

}
