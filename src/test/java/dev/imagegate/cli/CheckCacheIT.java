package dev.imagegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.RegistryAccessLog;
import dev.imagegate.testing.RegistryAccessLog.Request;
import dev.imagegate.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code imagegate check}'s disk cache, as a pipeline runs the command again and again: the packaged
 * jar as a process against the real registry, what it asked counted in the registry's access log.
 */
class CheckCacheIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** In the image's env (TestImages.leaky: AWS's documented example key pair). */
  private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";

  private static LocalRegistry registry;
  private static RegistryAccessLog log;
  private static Path config;
  private static Path manifests;

  @BeforeAll
  static void registryWithImages() throws Exception {
    registry = LocalRegistry.startPlain("cli-cache");
    log = registry.accessLog();
    TestImages images = TestImages.in(registry);
    images.push("shop/leaky", "1.0", TestImages.leaky());
    images.pushIndex("shop/web", "1.0", TestImages.Format.OCI, true,
        TestImages.nginx().platform("linux/amd64"), TestImages.nginx().platform("linux/arm64/v8"));
    config = Files.createTempFile("imagegate-cache", ".yaml");
    Files.writeString(config, """
        mode: enforce
        registries:
          insecure: ["%s"]
          timeout: 5s
        """.formatted(registry.hostPort()));
    manifests = Files.createTempFile("imagegate-cache", ".yaml");
    Files.writeString(manifests, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: shop, namespace: shop}
        spec:
          template:
            spec:
              containers:
              - name: api
                image: %1$s/shop/leaky:1.0
              - name: web
                image: %1$s/shop/web:1.0
        """.formatted(registry.hostPort()));
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  private static CheckProcess.Outcome check(String... more) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("-f", manifests.toString(), "--config", config.toString(), "-o", "json"));
    args.addAll(List.of(more));
    CheckProcess.Outcome run = CheckProcess.run(args.toArray(String[]::new));
    assertThat(run.exit()).as(run.stderr()).isEqualTo(1); // root images, a secret: denied
    return run;
  }

  private static JsonNode workloads(CheckProcess.Outcome run) throws IOException {
    return JSON.readTree(run.stdout()).path("workloads");
  }

  private static long configBlobsRead() {
    return log.count("GET", "/blobs/");
  }

  @Test
  void theSecondRunResolvesEachTagWithOneHeadReadsNoConfigBlobAndGivesTheSameVerdict() throws Exception {
    Path cache = Files.createTempDirectory("imagegate-cache");
    log.reset();
    CheckProcess.Outcome first = check("--cache-dir", cache.toString());
    assertThat(configBlobsRead()).isEqualTo(3); // leaky's, and web's two platforms'
    log.reset();

    CheckProcess.Outcome second = check("--cache-dir", cache.toString());

    assertThat(log.requests()).containsExactlyInAnyOrder(
        new Request("HEAD", "/v2/shop/leaky/manifests/1.0", 200), new Request("HEAD", "/v2/shop/web/manifests/1.0", 200));
    assertThat(workloads(second)).isEqualTo(workloads(first));
    assertThat(workloads(second).get(0).path("findings")).anySatisfy(finding -> {
      assertThat(finding.path("rule").asText()).isEqualTo("no-secrets-in-env");
      assertThat(finding.path("message").asText()).startsWith("image env \"AWS_SECRET_ACCESS_KEY\" holds");
    });
    assertThat(second.stderr()).doesNotContain("warning");
    assertThat(everyFileUnder(cache)).isNotEmpty().allSatisfy(file -> assertThat(Files.readString(file))
        .as(file.toString()).doesNotContain(SECRET_KEY).doesNotContain(KEY_ID).doesNotContain("1.27.3"));
  }

  @Test
  void noCacheAndAnExpiredEntryReadTheRegistryAgain() throws Exception {
    Path cache = Files.createTempDirectory("imagegate-cache");
    CheckProcess.Outcome warm = check("--cache-dir", cache.toString());
    log.reset();

    CheckProcess.Outcome uncached = check("--cache-dir", cache.toString(), "--no-cache");
    assertThat(configBlobsRead()).isEqualTo(3);
    log.reset();
    CheckProcess.Outcome expired = check("--cache-dir", cache.toString(), "--cache-ttl", "1ms");
    assertThat(configBlobsRead()).isEqualTo(3);
    log.reset();
    check("--cache-dir", cache.toString()); // the expired entries were written again
    assertThat(configBlobsRead()).isZero();

    assertThat(workloads(uncached)).isEqualTo(workloads(warm));
    assertThat(workloads(expired)).isEqualTo(workloads(warm));
  }

  @Test
  void theCacheIsUnderXdgCacheHomeByDefault() throws Exception {
    Path home = Files.createTempDirectory("imagegate-xdg");

    CheckProcess.Outcome run = CheckProcess.run(null, Map.of("XDG_CACHE_HOME", home.toString()),
        "-f", manifests.toString(), "--config", config.toString());

    assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
    assertThat(everyFileUnder(home.resolve("imagegate/v1/sha256"))).hasSize(4) // leaky, the index and its two platforms
        .allSatisfy(file -> assertThat(file.getFileName().toString()).matches("[0-9a-f]{64}\\.json"));
  }

  @Test
  void aCacheDirectoryThatCannotBeWrittenIsOneWarningAndTheCheckRunsAsWithout() throws Exception {
    Path notADirectory = Files.createTempFile("imagegate-cache", ".file");
    CheckProcess.Outcome without = check("--no-cache");

    CheckProcess.Outcome run = check("--cache-dir", notADirectory.toString());

    assertThat(run.stderr().lines().filter(line -> line.contains("warning"))).singleElement().asString()
        .startsWith("imagegate check: warning: cannot write the image cache in " + notADirectory).endsWith("running without it");
    assertThat(workloads(run)).isEqualTo(workloads(without));
  }

  @Test
  void aNonPositiveTtlIsAUsageError() throws Exception {
    CheckProcess.Outcome run = CheckProcess.run("--image", "nginx:1.27", "--cache-ttl", "0s");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stderr()).contains("--cache-ttl must be longer than 0");
  }

  private static List<Path> everyFileUnder(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }
}
