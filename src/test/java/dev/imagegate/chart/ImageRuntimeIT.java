package dev.imagegate.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.PackagedApp;
import dev.imagegate.testing.TestImages;
import java.io.IOException;
import java.io.Reader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged application on the Java release of its image's base (a newer one than the build's):
 * it starts, warms up through its port, reports ready and judges as on the build's JDK. Runs when
 * that JDK is on this machine (under /usr/lib/jvm, or {@code IMAGEGATE_TEST_IMAGE_JDK}); skipped, and
 * says so, when it is not.
 */
class ImageRuntimeIT {
  private static final Pattern RELEASE = Pattern.compile("openjdk-(\\d+)-runtime");

  @Test
  void thePackagedAppRunsOnTheImagesJavaReleaseWarmsUpAndJudges() throws Exception {
    int release = imageRelease();
    Optional<Path> java = jdk(release);
    assumeTrue(java.isPresent(), "no JDK " + release + " on this machine (set IMAGEGATE_TEST_IMAGE_JDK)");
    Process version = new ProcessBuilder(java.get().toString(), "-version").redirectErrorStream(true).start();
    assertThat(new String(version.getInputStream().readAllBytes())).as("the runtime found").contains("version \"" + release);

    try (LocalRegistry registry = LocalRegistry.startPlain("image-runtime")) {
      TestImages.in(registry).push("library/nginx", "1.27", TestImages.nginx());
      Path config = Files.createTempFile("imagegate-image-runtime", ".yaml");
      Files.writeString(config, """
          mode: enforce
          registries:
            insecure: ["%s"]
          warmup:
            budget: 5s
          """.formatted(registry.hostPort()));
      HttpClient client = PackagedApp.client();
      try (PackagedApp app = PackagedApp.start(config, java.get().toString()).awaitReady(client)) {
        String image = registry.hostPort() + "/library/nginx:1.27";
        HttpResponse<String> answer = client.send(app.validate(review(image)), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"allowed\":false").contains("run-as-non-root").contains("require-healthcheck");
        String log = app.log();
        assertThat(log).as("the warm-up went through the port").containsPattern("warm-up: \\d+ synthetic admissions in-process, [1-9]\\d* through");
        assertThat(log).doesNotContain("warm-up failed").doesNotContain("ERROR");
      }
    }
  }

  /** The Java release of {@code quarkus.jib.base-jvm-image} ({@code …/openjdk-25-runtime:…} → 25). */
  static int imageRelease() throws IOException {
    Properties build = new Properties();
    try (Reader reader = Files.newBufferedReader(Path.of("src", "main", "resources", "application.properties"))) {
      build.load(reader);
    }
    Matcher matcher = RELEASE.matcher(build.getProperty("quarkus.jib.base-jvm-image"));
    assertThat(matcher.find()).as("the base image names its Java release").isTrue();
    return Integer.parseInt(matcher.group(1));
  }

  private static Optional<Path> jdk(int release) throws IOException {
    String named = System.getenv("IMAGEGATE_TEST_IMAGE_JDK");
    if (named != null && !named.isBlank()) {
      return Optional.of(Path.of(named, "bin", "java"));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(jvms)) {
      // Debian's java-25-openjdk-amd64, Adoptium's temurin-25-jdk-amd64, …
      return dirs.filter(dir -> dir.getFileName().toString().matches(".*-" + release + "(-.*)?"))
          .map(dir -> dir.resolve("bin").resolve("java"))
          .filter(Files::isExecutable)
          .sorted()
          .findFirst();
    }
  }

  private static String review(String image) {
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"3f1c2a7e-image-runtime",
        "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
        "namespace":"shop","operation":"CREATE","userInfo":{"username":"admin"},
        "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop"},
        "spec":{"containers":[{"name":"web","image":"%s"}]}}}}
        """.formatted(image);
  }
}
