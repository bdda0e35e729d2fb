package dev.imagegate.hardening;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.audit.AuditService;
import dev.imagegate.testing.Await;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.TestCa;
import dev.imagegate.testing.TestImages;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequestBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Distinctive fake secrets, new for every run, planted where real ones end up: an image's Env
 * (AWS key pair, GitHub token, a PEM private key, a password), its build history (build
 * arguments, a password on a command line), literal pod env values, registry credentials (a wrong
 * password in the node-wide docker config, the right one in a pod's pull secret) and a request body
 * that is not JSON. Every path runs: enforce (denial), warn (warnings), audit (annotations),
 * registry errors, the decision log and every log line at DEBUG, metrics, Events, the background
 * audit's PolicyReports and {@code GET /audit}. No planted value, nor any 8-character piece of one,
 * may appear in any of them.
 */
@QuarkusTest
@WithKubernetesTestServer
@QuarkusTestResource(value = SecretsNeverLeakTest.Fixture.class, restrictToAnnotatedClass = true)
class SecretsNeverLeakTest {
  private static final ResourceDefinitionContext POLICY_REPORTS = new ResourceDefinitionContext.Builder()
      .withGroup("wgpolicyk8s.io").withVersion("v1alpha2").withKind("PolicyReport").withPlural("policyreports")
      .withNamespaced(true).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PIECE = 8;

  /**
   * Loggers of the test's side, not imagegate's: the test's own HTTP client (RestAssured's Apache
   * HttpClient logs the request it sends, secrets and all; imagegate uses the JDK's and Vert.x's) and
   * the mock API server standing in for the apiserver (it logs the objects it stores).
   */
  private static final List<String> NOT_IMAGEGATE = List.of("org.apache.http", "io.fabric8.kubernetes.client.server.mock",
      "io.fabric8.mockwebserver");

  /** Everything a log handler saw, formatted with parameters and stack traces. */
  private static final List<String> LOGS = new CopyOnWriteArrayList<>();
  private static Handler handler;
  private static Level rootLevel;

  @KubernetesTestServer
  KubernetesServer server;

  @Inject
  AuditService audit;

  @TestHTTPResource(value = "/validate", tls = true)
  URL validate;

  // ---- the planted secrets ---------------------------------------------------------------------

  /** Written by the fixture (which pushes the images), read back by the test: one source of truth. */
  static final class Planted {
    final Properties values = new Properties();

    static Planted generate() {
      SecureRandom random = new SecureRandom();
      Planted p = new Planted();
      p.values.setProperty("awsKeyId", "AKIA" + random(random, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16));
      p.values.setProperty("awsSecret", random(random, BASE62, 40));
      p.values.setProperty("githubToken", "ghp_" + random(random, BASE62, 36));
      byte[] key = new byte[144];
      random.nextBytes(key);
      String body = Base64.getEncoder().encodeToString(key);
      p.values.setProperty("pem1", body.substring(0, 64));
      p.values.setProperty("pem2", body.substring(64, 128));
      p.values.setProperty("pem3", body.substring(128));
      p.values.setProperty("imagePassword", random(random, BASE62, 24));
      p.values.setProperty("npmToken", "npm_" + random(random, BASE62, 36));
      p.values.setProperty("historyPassword", random(random, BASE62, 20));
      p.values.setProperty("podToken", random(random, BASE62, 32));
      p.values.setProperty("podDbPassword", random(random, BASE62, 20));
      p.values.setProperty("podAwsSecret", random(random, BASE62, 40));
      p.values.setProperty("bodyToken", "ghp_" + random(random, BASE62, 36));
      p.values.setProperty("wrongRegistryPassword", random(random, BASE62, 24));
      p.values.setProperty("registryPassword", random(random, BASE62, 24));
      p.values.setProperty("wrongRegistryAuth", Base64.getEncoder().encodeToString(
          ("puller:" + p.get("wrongRegistryPassword")).getBytes(StandardCharsets.UTF_8)));
      p.values.setProperty("registryAuth", Base64.getEncoder().encodeToString(
          ("puller:" + p.get("registryPassword")).getBytes(StandardCharsets.UTF_8)));
      return p;
    }

    String get(String name) {
      return values.getProperty(name);
    }

    String pem() {
      return "-----BEGIN RSA PRIVATE KEY-----\n" + get("pem1") + "\n" + get("pem2") + "\n" + get("pem3")
          + "\n-----END RSA PRIVATE KEY-----";
    }

    /** Every 8-character piece of every planted value. */
    Map<String, String> pieces() {
      Map<String, String> pieces = new LinkedHashMap<>();
      for (String name : values.stringPropertyNames()) {
        if (name.startsWith("notSecret.")) {
          continue;
        }
        String value = get(name);
        for (int i = 0; i + PIECE <= value.length(); i++) {
          pieces.put(value.substring(i, i + PIECE), name);
        }
      }
      return pieces;
    }

    private static final String BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private static String random(SecureRandom random, String alphabet, int length) {
      StringBuilder out = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        out.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      return out.toString();
    }
  }

  /**
   * Two registries: a plain one standing in for Docker Hub with the leaky image, and a TLS one with
   * basic auth holding a private leaky image; the docker config carries a wrong password for it.
   */
  public static class Fixture implements QuarkusTestResourceLifecycleManager {
    private LocalRegistry hub;
    private LocalRegistry privateRegistry;

    @Override
    public Map<String, String> start() {
      Planted planted = Planted.generate();
      try {
        Path dir = Files.createTempDirectory("imagegate-secrets");
        TestCa ca = TestCa.create("imagegate-secrets-ca");
        hub = LocalRegistry.startPlain("secrets-hub");
        privateRegistry = LocalRegistry.builder().name("secrets-private").tls(ca).htpasswd("puller", planted.get("registryPassword")).start();
        TestImages.Config leaky = new TestImages.Config("linux/amd64", "0",
            List.of("PATH=/usr/local/bin:/usr/bin:/bin",
                "AWS_ACCESS_KEY_ID=" + planted.get("awsKeyId"),
                "AWS_SECRET_ACCESS_KEY=" + planted.get("awsSecret"),
                "GITHUB_TOKEN=" + planted.get("githubToken"),
                "TLS_KEY=" + planted.pem(),
                "DB_PASSWORD=" + planted.get("imagePassword")),
            null,
            List.of("ADD file:0123 in /",
                "ARG NPM_TOKEN",
                "|1 NPM_TOKEN=" + planted.get("npmToken") + " /bin/sh -c npm ci",
                "RUN /bin/sh -c curl -u admin:" + planted.get("historyPassword") + " https://artifacts.example.com/app.tgz | tar xz",
                "ENV DB_PASSWORD=" + planted.get("imagePassword")));
        TestImages.in(hub).push("acme/planted", "1.0", leaky);
        TestImages.in(privateRegistry).push("acme/private", "1.0", leaky);
        planted.values.setProperty("notSecret.privateHost", privateRegistry.hostPort());
        Path dockerConfig = Files.writeString(dir.resolve("config.json"),
            "{\"auths\":{\"" + privateRegistry.hostPort() + "\":{\"auth\":\"" + planted.get("wrongRegistryAuth") + "\"}}}");
        Path caPem = privateRegistry.caPem();
        Path config = Files.writeString(dir.resolve("imagegate.yaml"), """
            mode: warn
            exemptions:
              namespaces: [kube-system]
            registries:
              mirrors:
                docker.io: http://%1$s
              insecure: ["%1$s"]
              caBundles:
                "%2$s": %3$s
              dockerConfig: %4$s
              usePullSecrets: true
              timeout: 3s
            namespaceModes:
              enabled: true
            events:
              enabled: true
              interval: 10m
            audit:
              enabled: true
              interval: 1h
            """.formatted(hub.hostPort(), privateRegistry.hostPort(), caPem, dockerConfig));
        Path plantedFile = dir.resolve("planted.properties");
        try (var out = Files.newBufferedWriter(plantedFile)) {
          planted.values.store(out, null);
        }
        return Map.of("imagegate.config", config.toString(), "imagegate-test.planted", plantedFile.toString(),
            "quarkus.log.level", "DEBUG");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void stop() {
      if (hub != null) {
        hub.close();
      }
      if (privateRegistry != null) {
        privateRegistry.close();
      }
    }
  }

  private static Planted planted;

  @BeforeAll
  static void captureEveryLogLine() throws IOException {
    planted = new Planted();
    try (var in = Files.newBufferedReader(Path.of(ConfigProvider.getConfig().getValue("imagegate-test.planted", String.class)))) {
      planted.values.load(in);
    }
    Logger root = Logger.getLogger("");
    rootLevel = root.getLevel();
    root.setLevel(Level.ALL);
    handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        if (NOT_IMAGEGATE.stream().anyMatch(logger::startsWith)) {
          return;
        }
        StringBuilder line = new StringBuilder(record.getLoggerName() + " " + record.getLevel() + " " + record.getMessage());
        if (record.getParameters() != null) {
          for (Object parameter : record.getParameters()) {
            line.append(" | ").append(parameter);
          }
        }
        if (record.getThrown() != null) {
          StringWriter trace = new StringWriter();
          record.getThrown().printStackTrace(new PrintWriter(trace));
          line.append('\n').append(trace);
        }
        try {
          line.append(" || ").append(new java.util.logging.SimpleFormatter().formatMessage(record));
        } catch (RuntimeException ignored) {
          // a formatter that cannot format is no reason to lose the record
        }
        LOGS.add(line.toString());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    handler.setLevel(Level.ALL);
    root.addHandler(handler);
    // the decision log has its own handler and does not use the root's
    Logger.getLogger("imagegate.decision").addHandler(handler);
  }

  @AfterAll
  static void release() {
    Logger root = Logger.getLogger("");
    root.removeHandler(handler);
    Logger.getLogger("imagegate.decision").removeHandler(handler);
    root.setLevel(rootLevel);
  }

  // ---- the paths -------------------------------------------------------------------------------

  @Test
  void noPlantedSecretAppearsAnywhere() throws Exception {
    KubernetesClient client = server.getClient();
    server.expect().get().withPath("/apis/wgpolicyk8s.io/v1alpha2").andReturn(200, new APIResourceListBuilder()
        .withGroupVersion("wgpolicyk8s.io/v1alpha2")
        .addToResources(new APIResourceBuilder().withName("policyreports").withKind("PolicyReport").withNamespaced(true)
            .withVerbs("create", "delete", "get", "list", "patch", "update", "watch").build())
        .build()).always();
    namespace(client, "strict", "enforce");
    namespace(client, "loose", "audit");
    namespace(client, "apps", null);
    client.secrets().inNamespace("strict").resource(new SecretBuilder().withNewMetadata().withName("pull").withNamespace("strict")
        .endMetadata().withType("kubernetes.io/dockerconfigjson")
        .addToData(".dockerconfigjson", Base64.getEncoder().encodeToString(("{\"auths\":{\"" + planted.get("notSecret.privateHost")
            + "\":{\"auth\":\"" + planted.get("registryAuth") + "\"}}}").getBytes(StandardCharsets.UTF_8)))
        .build()).create();
    Thread.sleep(1_500); // namespace labels and pull secrets reach their informers

    List<String> seen = new ArrayList<>();

    // enforce: the denial lists the secrets by name and kind only
    Response strict = review(pod("strict", "web", leaky("web", "acme/planted:1.0")));
    assertThat(strict.jsonPath().getBoolean("response.allowed")).isFalse();
    assertThat(strict.jsonPath().getString("response.status.message")).contains("[no-secrets-in-env]").contains("AWS_SECRET_ACCESS_KEY")
        .contains("API_TOKEN");
    seen.add(strict.asString());

    // warn (the global mode): warnings
    Response warned = review(pod("apps", "web", leaky("web", "acme/planted:1.0")));
    assertThat(warned.jsonPath().getBoolean("response.allowed")).isTrue();
    assertThat(warned.jsonPath().getList("response.warnings", String.class)).anyMatch(w -> w.contains("[no-secrets-in-env]"));
    seen.add(warned.asString());

    // audit: annotations
    Response audited = review(pod("loose", "web", leaky("web", "acme/planted:1.0")));
    assertThat(audited.jsonPath().getBoolean("response.allowed")).isTrue();
    assertThat(audited.jsonPath().getMap("response.auditAnnotations")).containsKey("no-secrets-in-env");
    seen.add(audited.asString());

    // registry error: the node-wide docker config has the wrong password for the private registry
    String privateImage = planted.get("notSecret.privateHost") + "/acme/private:1.0";
    Response refused = review(pod("strict", "private", leaky("app", privateImage)));
    assertThat(refused.jsonPath().getString("response.status.message")).contains("[image-unavailable]");
    seen.add(refused.asString());

    // the pod's pull secret has the right one: the private image is read and its secrets found
    Pod withPullSecret = new PodBuilder(pod("strict", "pulled", leaky("app", privateImage)))
        .editSpec().addNewImagePullSecret("pull").endSpec().build();
    Response pulled = review(withPullSecret);
    assertThat(pulled.jsonPath().getString("response.status.message")).contains("[no-secrets-in-env]")
        .doesNotContain("[image-unavailable]");
    seen.add(pulled.asString());

    // a body that is not JSON, with a token where a value should be
    Response garbage = given().relaxedHTTPSValidation().contentType("application/json").queryParam("timeout", "10s")
        .body("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":"
            + planted.get("bodyToken") + "}}")
        .post(validate);
    assertThat(garbage.statusCode()).isEqualTo(400);
    seen.add(garbage.asString());

    // the background audit over the same workloads, with PolicyReports
    client.pods().inNamespace("strict").resource(pod("strict", "web", leaky("web", "acme/planted:1.0"))).create();
    client.pods().inNamespace("loose").resource(pod("loose", "web", leaky("web", "acme/planted:1.0"))).create();
    client.pods().inNamespace("apps").resource(pod("apps", "web", leaky("web", "acme/planted:1.0"))).create();
    client.pods().inNamespace("strict").resource(withPullSecret).create();
    audit.auditor().orElseThrow().runNow();
    List<?> reports = client.genericKubernetesResources(POLICY_REPORTS).inAnyNamespace().list().getItems();
    assertThat(reports).as("PolicyReports written").isNotEmpty();
    String reportsJson = JSON.writeValueAsString(reports);
    assertThat(reportsJson).contains("no-secrets-in-env");
    seen.add(reportsJson);
    String auditJson = given().get(managementUrl() + "/audit").then().statusCode(200).extract().asString();
    assertThat(auditJson).contains("no-secrets-in-env");
    seen.add(auditJson);

    // Events (written asynchronously)
    Await.until(() -> !client.events().v1().events().inAnyNamespace().list().getItems().isEmpty(), "an Event");
    Thread.sleep(500);
    String eventsJson = JSON.writeValueAsString(client.events().v1().events().inAnyNamespace().list().getItems());
    assertThat(eventsJson).contains("PolicyViolation");
    seen.add(eventsJson);

    // metrics and health
    seen.add(given().get(managementUrl() + "/q/metrics").then().statusCode(200).extract().asString());
    seen.add(given().get(managementUrl() + "/q/health").asString());

    // every log line, at DEBUG, including the decision log
    List<String> logs = List.copyOf(LOGS);
    assertThat(logs).as("the decision log was captured").anyMatch(l -> l.contains("\"decision\"") && l.contains("no-secrets-in-env"));
    assertThat(logs).as("DEBUG lines were captured").anyMatch(l -> l.contains(" DEBUG ") || l.contains(" FINE "));
    seen.addAll(logs);

    assertThat(leaks(List.of("a message with …" + planted.get("awsSecret").substring(7, 7 + PIECE) + "… in it")))
        .as("the check itself finds a piece of a planted value").hasSize(1);
    assertThat(leaks(seen)).as("planted secrets that leaked, with their context").isEmpty();
  }

  /** Every 8-character piece of a planted value in what was seen (one pass per text), with its context. */
  private static List<String> leaks(List<String> seen) {
    Map<String, String> pieces = planted.pieces();
    Set<String> leaks = new HashSet<>();
    List<String> where = new ArrayList<>();
    for (String text : seen) {
      String source = text.substring(0, Math.min(60, text.length()));
      for (int i = 0; i + PIECE <= text.length(); i++) {
        String name = pieces.get(text.substring(i, i + PIECE));
        if (name != null && leaks.add(name + " in " + source)) {
          int from = Math.max(0, i - 120);
          where.add(name + " in [" + source + "]: …" + text.substring(from, Math.min(text.length(), i + 120)) + "…");
        }
      }
    }
    return where;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Runs as root, no probe, literal secrets in its env. */
  private static Container leaky(String name, String image) {
    return new ContainerBuilder().withName(name).withImage(image)
        .addNewEnv().withName("API_TOKEN").withValue(planted.get("podToken")).endEnv()
        .addNewEnv().withName("DATABASE_URL").withValue("postgres://app:" + planted.get("podDbPassword") + "@db:5432/app").endEnv()
        .addNewEnv().withName("AWS_SECRET_ACCESS_KEY").withValue(planted.get("podAwsSecret")).endEnv()
        .build();
  }

  private static Pod pod(String namespace, String name, Container container) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withContainers(container).endSpec().build();
  }

  private Response review(Pod pod) throws IOException {
    AdmissionReview review = new AdmissionReviewBuilder().withApiVersion("admission.k8s.io/v1").withKind("AdmissionReview")
        .withRequest(new AdmissionRequestBuilder()
            .withUid(UUID.randomUUID().toString())
            .withKind(new GroupVersionKind("", "Pod", "v1"))
            .withResource(new GroupVersionResource("", "pods", "v1"))
            .withName(pod.getMetadata().getName())
            .withNamespace(pod.getMetadata().getNamespace())
            .withOperation("CREATE")
            .withDryRun(false)
            .withObject(pod)
            .build())
        .build();
    Response response = given().relaxedHTTPSValidation().contentType("application/json").queryParam("timeout", "10s")
        .body(JSON.writeValueAsString(review)).post(validate);
    assertThat(response.statusCode()).isEqualTo(200);
    return response;
  }

  private static void namespace(KubernetesClient client, String name, String mode) {
    NamespaceBuilder namespace = new NamespaceBuilder().withNewMetadata().withName(name).endMetadata();
    if (mode != null) {
      namespace.editMetadata().addToLabels("imagegate.dev/mode", mode).endMetadata();
    }
    client.namespaces().resource(namespace.build()).createOr(existing -> existing.update());
  }

  private static String managementUrl() {
    return "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
  }

}
