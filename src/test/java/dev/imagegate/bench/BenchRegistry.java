package dev.imagegate.bench;

import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * For the benchmarks: starts the real distribution registry with images shaped like the official
 * ones, writes an imagegate configuration that mirrors docker.io to it, prints {@code READY}, and
 * keeps the registry up until its standard input closes.
 *
 * <p>{@code java -cp … dev.imagegate.bench.BenchRegistry CONFIG_PATH}
 */
public final class BenchRegistry {
  private BenchRegistry() {}

  private static String fixture(String name) throws java.io.IOException {
    try (var json = BenchRegistry.class.getResourceAsStream("/image-configs/" + name + ".json")) {
      return new String(json.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  public static void main(String[] args) throws Exception {
    Path config = Path.of(args[0]);
    try (LocalRegistry registry = LocalRegistry.startPlain("bench")) {
      push(registry);
      Files.writeString(config, configuration(registry));
      System.out.println("READY " + registry.hostPort());
      System.out.flush();
      while (System.in.read() >= 0) {
        // run until the benchmark closes our standard input
      }
    }
  }

  /** The benchmark's images: those of its reviews, shaped like the official ones. */
  public static void push(LocalRegistry registry) throws java.io.IOException {
    TestImages images = TestImages.in(registry);
    var healthy = TestImages.distrolessNonroot().healthcheck(List.of("CMD", "/app", "health"));
    if ("1".equals(System.getenv("REAL_HISTORIES"))) { // the full configs of the real images, long histories included
      images.pushConfigJson("library/nginx", "1.27", "linux/amd64", fixture("nginx-1.27"), TestImages.Format.DOCKER);
      images.pushConfigJson("library/python", "3.12", "linux/amd64", fixture("python-3.12"), TestImages.Format.DOCKER);
      images.pushConfigJson("library/kong", "3.8", "linux/amd64", fixture("kong-3.9"), TestImages.Format.DOCKER);
    } else {
      images.push("library/nginx", "1.27", TestImages.nginx());
      images.push("library/python", "3.12", TestImages.python());
      images.push("library/kong", "3.8", TestImages.kong());
    }
    images.push("acme/api", "2.4.1", healthy);
    images.push("acme/migrate", "2.4.1", healthy);
    images.push("acme/shop", "3.1.0", healthy);
    images.push("acme/shop-migrations", "3.1.0", healthy);
  }

  /** imagegate's configuration for the benchmark: enforce, docker.io mirrored to the registry. */
  public static String configuration(LocalRegistry registry) {
    return """
        mode: enforce
        registries:
          mirrors:
            docker.io: http://%1$s
          insecure: ["%1$s"]
        """.formatted(registry.hostPort());
  }
}
