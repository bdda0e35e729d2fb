package dev.imagegate.registry;

import static dev.imagegate.registry.RegistryTesting.ref;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.RegistrySettings;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.policy.Finding;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.policy.Verdict;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.ContainerKind;
import dev.imagegate.rules.Rule;
import dev.imagegate.rules.Violation;
import dev.imagegate.testing.FaultProxy;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.TestCa;
import dev.imagegate.testing.TestImages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Registries that misbehave, put between imagegate and the real registry by a fault-injecting
 * proxy: each admission is answered within its deadline, with a verdict that names the image and
 * the reason; transient faults are retried within the budget, and Retry-After is honoured only
 * when it fits.
 */
class RegistryFaultsTest {
  /** What the admission may spend on registries (an apiserver timeout of 3s less its margin). */
  static final Duration BUDGET = Duration.ofMillis(2400);
  static final long SLACK_MILLIS = 400;

  /** Fires for an image running as root: proves the image was read. */
  static final Rule ROOT = new Rule() {
    @Override
    public String id() {
      return "root";
    }

    @Override
    public List<Violation> check(ContainerContext container, ImageFacts image) {
      return image.user().isEmpty() ? List.of(new Violation("root", "runs as root")) : List.of();
    }
  };

  static LocalRegistry registry;
  static TestImages images;
  static TestImages.Pushed nginx;

  FaultProxy proxy;
  SimpleMeterRegistry meters;
  ImageResolver resolver;
  PolicyEngine engine;

  @BeforeAll
  static void start() {
    registry = LocalRegistry.startPlain("faults");
    images = TestImages.in(registry);
    nginx = images.push("library/nginx", "1.27", TestImages.nginx());
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  @BeforeEach
  void proxy() {
    proxy = FaultProxy.plain(registry);
    meters = new SimpleMeterRegistry();
    resolver = RegistryTesting.resolver(RegistryTesting.insecure(proxy.hostPort()).withTimeout(Duration.ofSeconds(8))).meters(meters).build();
    engine = engine(resolver);
  }

  @AfterEach
  void close() {
    resolver.close();
    proxy.close();
  }

  /** An engine over the resolver, bounding registry work by the admission's budget. */
  static PolicyEngine engine(ImageResolver resolver) {
    return new PolicyEngine(ConfigLoader.parse(""), List.of(ROOT), ref -> resolver.resolve(ref, PullContext.NONE, Deadline.after(BUDGET)));
  }

  /** One admission of a pod running {@code image}: the verdict, and how long it took. */
  record Admission(Verdict verdict, long millis) {
    Finding only() {
      assertThat(verdict.findings()).hasSize(1);
      return verdict.findings().get(0);
    }
  }

  Admission admit(ImageReference image) throws Exception {
    ContainerContext container = new ContainerContext("app", ContainerKind.CONTAINER, image.original(), image, null, null, true, List.of());
    long start = System.nanoTime();
    Verdict verdict = engine.judge("apps", List.of(container), BUDGET).get(10, TimeUnit.SECONDS);
    return new Admission(verdict, (System.nanoTime() - start) / 1_000_000);
  }

  ImageReference nginxViaProxy() {
    return ref(proxy.hostPort(), "library/nginx", "1.27");
  }

  String name() {
    return proxy.hostPort() + "/library/nginx:1.27";
  }

  void assertUnavailable(Admission admission, String reason) {
    Finding finding = admission.only();
    assertThat(finding.ruleId()).isEqualTo(PolicyEngine.IMAGE_UNAVAILABLE);
    assertThat(finding.message()).isEqualTo(name() + ": " + reason);
    assertThat(admission.verdict().denied()).as("registries.onError: deny").isTrue();
    assertThat(admission.millis()).as("answered within the admission's budget").isLessThan(BUDGET.toMillis() + SLACK_MILLIS);
  }

  @Test
  void throughTheProxyTheImageIsRead() throws Exception {
    Admission admission = admit(nginxViaProxy());

    assertThat(admission.only().ruleId()).isEqualTo("root");
    assertThat(proxy.requests()).containsExactly("GET /v2/library/nginx/manifests/1.27", "GET /v2/library/nginx/blobs/" + nginx.configDigest());
  }

  @Test
  void aRegistryThatHangsIsAnsweredWithinTheBudget() throws Exception {
    proxy.on("GET", "/manifests/", -1, FaultProxy.hang());

    Admission admission = admit(nginxViaProxy());

    Finding finding = admission.only();
    assertThat(finding.ruleId()).isEqualTo(PolicyEngine.IMAGE_UNAVAILABLE);
    assertThat(finding.message()).startsWith(name() + ": ").matches(".*(timed out after 2400ms|no answer from the registry within the admission deadline).*");
    assertThat(admission.millis()).isBetween(BUDGET.toMillis() - 100, BUDGET.toMillis() + SLACK_MILLIS);
    assertThat(proxy.count("GET", "/manifests/")).as("a timeout is not retried").isEqualTo(1);
  }

  @Test
  void aRegistryThatAnswers500IsRetriedWithinTheBudgetThenReported() throws Exception {
    proxy.on("GET", "/manifests/", -1, FaultProxy.respond(500, Map.of("Content-Type", "text/plain"), "oops"));

    Admission admission = admit(nginxViaProxy());

    assertUnavailable(admission, "registry error (HTTP 500)");
    assertThat(proxy.count("GET", "/manifests/")).as("1 + registries.maxRetries").isEqualTo(1 + RegistrySettings.DEFAULT_MAX_RETRIES);
    assertThat(meters.get("imagegate.registry.retries").tag("reason", "server_error").counter().count()).isEqualTo(2);
  }

  @Test
  void aSingle503IsRetriedAndTheImageRead() throws Exception {
    proxy.on("GET", "/blobs/", 1, FaultProxy.respond(503, Map.of(), ""));

    Admission admission = admit(nginxViaProxy());

    assertThat(admission.only().ruleId()).isEqualTo("root");
    assertThat(proxy.count("GET", "/blobs/")).isEqualTo(2);
  }

  @Test
  void retryAfterThatFitsTheDeadlineIsHonoured() throws Exception {
    proxy.on("GET", "/manifests/", 1, FaultProxy.respond(429, Map.of("Retry-After", "1"), "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\"}]}"));

    Admission admission = admit(nginxViaProxy());

    assertThat(admission.only().ruleId()).isEqualTo("root");
    assertThat(admission.millis()).as("waited the second the registry asked for").isBetween(1000L, BUDGET.toMillis());
    assertThat(proxy.count("GET", "/manifests/")).isEqualTo(2);
    assertThat(meters.get("imagegate.registry.retries").tag("reason", "rate_limited").counter().count()).isEqualTo(1);
  }

  @Test
  void retryAfterBeyondTheDeadlineFailsAtOnceNamingTheWait() throws Exception {
    proxy.on("GET", "/manifests/", -1, FaultProxy.respond(429, Map.of("Retry-After", "30"), ""));

    Admission admission = admit(nginxViaProxy());

    assertUnavailable(admission, "too many requests (HTTP 429): the registry is rate limiting and asks to wait 30s, more than the deadline left");
    assertThat(admission.millis()).as("no pointless waiting").isLessThan(1000L);
    assertThat(proxy.count("GET", "/manifests/")).isEqualTo(1);
    assertThat(meters.get("imagegate.registry.errors").tag("reason", "rate_limited").counter().count()).isEqualTo(1);
  }

  @Test
  void aConnectionResetIsRetriedThenReported() throws Exception {
    proxy.on("GET", "/manifests/", -1, FaultProxy.reset());

    Admission admission = admit(nginxViaProxy());

    assertUnavailable(admission, "connection reset by the registry");
    assertThat(meters.get("imagegate.registry.retries").tag("reason", "io").counter().count()).isEqualTo(RegistrySettings.DEFAULT_MAX_RETRIES);
    // The JDK client itself resends an idempotent request once when the connection breaks before any answer.
    assertThat(proxy.count("GET", "/manifests/")).isBetween(1L + RegistrySettings.DEFAULT_MAX_RETRIES, 2L * (1 + RegistrySettings.DEFAULT_MAX_RETRIES));
  }

  @Test
  void aSingleResetIsRetriedAndTheImageRead() throws Exception {
    proxy.on("GET", "/manifests/", 1, FaultProxy.reset());

    assertThat(admit(nginxViaProxy()).only().ruleId()).isEqualTo("root");
  }

  @Test
  void aCertificateFromAnUnknownCaIsRefusedWithoutRetry() throws Exception {
    try (FaultProxy tls = FaultProxy.tls(registry, TestCa.create("imagegate-unknown-ca"));
        ImageResolver https = RegistryTesting.resolver(RegistrySettings.defaults()).meters(meters).build()) {
      engine = engine(https);
      ImageReference image = ref(tls.hostPort(), "library/nginx", "1.27");

      Admission admission = admit(image);

      Finding finding = admission.only();
      assertThat(finding.ruleId()).isEqualTo(PolicyEngine.IMAGE_UNAVAILABLE);
      assertThat(finding.message()).isEqualTo(tls.hostPort() + "/library/nginx:1.27: TLS certificate not trusted");
      assertThat(admission.millis()).isLessThan(BUDGET.toMillis());
      assertThat(tls.requests()).as("nothing sent without a trusted handshake").isEmpty();
      assertThat(tls.connections()).as("a TLS failure is not retried").isEqualTo(1);
    }
  }

  @Test
  void aTenMegabyteManifestIsRefusedWithoutReadingIt() throws Exception {
    byte[] huge = new byte[10 * 1024 * 1024];
    Arrays.fill(huge, (byte) ' ');
    proxy.on("GET", "/manifests/", -1, FaultProxy.respond(200, Map.of("Content-Type", TestImages.OCI_MANIFEST), huge));

    Admission admission = admit(nginxViaProxy());

    assertUnavailable(admission, "manifest larger than 4 MiB (the OCI distribution spec's limit)");
    assertThat(meters.get("imagegate.registry.errors").tag("reason", "invalid").counter().count()).isEqualTo(1);
  }

  @Test
  void aNineMegabyteConfigBlobIsRefusedWithoutReadingIt() throws Exception {
    byte[] huge = new byte[9 * 1024 * 1024];
    Arrays.fill(huge, (byte) ' ');
    proxy.on("GET", "/blobs/", -1, FaultProxy.respond(200, Map.of("Content-Type", "application/octet-stream"), huge));

    Admission admission = admit(nginxViaProxy());

    assertUnavailable(admission, "image config larger than 8 MiB");
  }

  @Test
  void aMalformedManifestIsReported() throws Exception {
    proxy.on("GET", "/manifests/", -1, FaultProxy.respond(200, Map.of("Content-Type", TestImages.OCI_MANIFEST),
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"digest\":"));

    assertUnavailable(admit(nginxViaProxy()), "invalid manifest: not JSON");
  }

  @Test
  void aManifestWithoutConfigIsReported() throws Exception {
    proxy.on("GET", "/manifests/", -1, FaultProxy.respond(200, Map.of("Content-Type", TestImages.OCI_MANIFEST),
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}"));

    assertUnavailable(admit(nginxViaProxy()), "invalid manifest: no config");
  }

  @Test
  void aConfigBlobWithTheWrongDigestIsReported() throws Exception {
    proxy.on("GET", "/blobs/", -1, FaultProxy.respond(200, Map.of("Content-Type", "application/octet-stream"), "{\"config\":{}}"));

    assertUnavailable(admit(nginxViaProxy()), "the registry sent a config blob whose digest does not match " + nginx.configDigest());
  }

  @Test
  void anIndexWithFieldsOfNewerSpecsIsReadAsUsual() throws Exception {
    TestImages.PushedIndex plain = images.pushIndex("modern/app", "base", TestImages.Format.OCI, true,
        TestImages.nginx().platform("linux/amd64"), TestImages.distrolessNonroot().platform("linux/arm64"));
    ObjectMapper json = new ObjectMapper();
    ObjectNode index = json.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", TestImages.OCI_INDEX);
    index.put("artifactType", "application/vnd.example.sbom.v1+json");
    var manifests = index.putArray("manifests");
    for (TestImages.Pushed platform : plain.platforms()) {
      ObjectNode entry = manifests.addObject();
      entry.put("mediaType", platform.mediaType());
      entry.put("digest", platform.manifestDigest());
      entry.put("size", platform.size());
      entry.put("artifactType", "application/vnd.oci.image.config.v1+json");
      entry.put("data", "e30=");
      entry.putArray("urls").add("https://mirror.example.com/blob");
      String[] parts = platform.platform().split("/");
      entry.putObject("platform").put("os", parts[0]).put("architecture", parts[1]).put("os.version", "10.0").putArray("features").add("sse4");
      entry.putObject("annotations").put("org.opencontainers.image.ref.name", "1.0").put("com.example.note", "new fields");
    }
    ObjectNode subject = index.putObject("subject");
    subject.put("mediaType", TestImages.OCI_MANIFEST);
    subject.put("digest", plain.platforms().get(0).manifestDigest());
    subject.put("size", plain.platforms().get(0).size());
    index.putObject("annotations").put("org.opencontainers.image.created", "2025-01-01T00:00:00Z");
    TestImages.Pushed modern = images.pushManifestJson("modern/app", "1.0", index);

    ResolvedImage image = RegistryTesting.await(resolver.resolve(ref(proxy.hostPort(), "modern/app", "1.0")));

    assertThat(image.manifestDigest()).hasToString(modern.manifestDigest());
    assertThat(image.platforms()).extracting(ImageFacts::user).containsExactly("", "65532");
  }

  @Test
  void platformManifestsOfAnIndexAreFetchedInParallel() throws Exception {
    TestImages.PushedIndex index = images.pushIndex("multi/slow", "1.0", TestImages.Format.OCI, false,
        TestImages.nginx().platform("linux/amd64"), TestImages.nginx().platform("linux/arm64"));
    // Each platform manifest takes 800 ms: one after the other would take 1.6 s.
    for (TestImages.Pushed platform : index.platforms()) {
      proxy.on("GET", "/manifests/" + platform.manifestDigest(), -1, FaultProxy.delay(Duration.ofMillis(800)));
    }
    long start = System.nanoTime();

    ResolvedImage image = RegistryTesting.await(resolver.resolve(ref(proxy.hostPort(), "multi/slow", "1.0")));

    assertThat(image.platforms()).extracting(ImageFacts::platform).containsExactly("linux/amd64", "linux/arm64");
    assertThat((System.nanoTime() - start) / 1_000_000).isBetween(800L, 1500L);
  }
}
