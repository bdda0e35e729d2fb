package dev.imagegate.registry.pullsecrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.tools.jib.api.Credential;
import dev.imagegate.config.RegistrySettings;
import dev.imagegate.image.Digest;
import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.Deadline;
import dev.imagegate.registry.ErrorReason;
import dev.imagegate.registry.ImageFetchException;
import dev.imagegate.registry.ImageResolver;
import dev.imagegate.registry.RegistryTesting;
import dev.imagegate.registry.PullContext;
import dev.imagegate.registry.ResolvedImage;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.RegistryAccessLog;
import dev.imagegate.testing.TestCa;
import dev.imagegate.testing.TestImages;
import dev.imagegate.testing.TokenServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A private registry (token auth, no anonymous pulls) reached only with the credentials of the
 * pod's {@code imagePullSecrets} or its service account's, served by the Kubernetes mock server
 * (CRUD mode) and read through informers.
 */
@EnableKubernetesMockClient(crud = true)
class PullSecretsTest {
  static KubernetesClient client;

  static TestCa ca;
  static TokenServer tokens;
  static LocalRegistry registry;
  static TestImages.Pushed app;

  SimpleMeterRegistry meters;
  ImageResolver resolver;

  @BeforeAll
  static void startRegistry() {
    ca = TestCa.create("imagegate-pull-secrets-ca");
    tokens = TokenServer.start(ca, false, Map.of("robot-a", "a-Pass", "robot-c", "c-Pass", "pusher", "push-Pass"), false);
    registry = LocalRegistry.builder().name("pull-secrets").tokenAuth(tokens, Credential.from("pusher", "push-Pass")).start();
    app = TestImages.in(registry).push("private/app", "1.0", TestImages.distrolessNonroot());
    TestImages.in(registry).push("private/app", "1.1", TestImages.kong());
  }

  @AfterAll
  static void stop() {
    registry.close();
    tokens.close();
  }

  @BeforeEach
  void meters() {
    meters = new SimpleMeterRegistry();
  }

  @AfterEach
  void close() {
    if (resolver != null) {
      resolver.close();
    }
  }

  /** A new resolver whose informers have synced (so they know every object made so far). */
  void start(boolean usePullSecrets) throws Exception {
    if (resolver != null) {
      resolver.close();
    }
    resolver = resolver(usePullSecrets);
  }

  ImageResolver resolver(boolean usePullSecrets) throws Exception {
    RegistrySettings settings = new RegistrySettings(null, List.of(registry.hostPort()), null, null, Duration.ofSeconds(5), null)
        .withUsePullSecrets(usePullSecrets);
    KubernetesPullSecrets secrets = usePullSecrets ? new KubernetesPullSecrets(client) : null;
    if (secrets != null) {
      secrets.ready().get(10, TimeUnit.SECONDS);
    }
    return RegistryTesting.resolver(settings).meters(meters).pullSecrets(secrets).build();
  }

  static ImageReference image(String tag) {
    return new ImageReference(registry.hostPort() + "/private/app:" + tag, registry.hostPort(), "private/app", tag, null);
  }

  static String dockerConfigJson(String key, String user, String password) {
    String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return "{\"auths\":{\"" + key + "\":{\"auth\":\"" + auth + "\"}}}";
  }

  static void secret(String namespace, String name, String type, String key, String json) {
    client.secrets().inNamespace(namespace).resource(new SecretBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withType(type)
        .withData(Map.of(key, Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8))))
        .build()).createOr(existing -> existing.update());
  }

  static void pullSecret(String namespace, String name, String user, String password) {
    secret(namespace, name, "kubernetes.io/dockerconfigjson", ".dockerconfigjson", dockerConfigJson(registry.hostPort(), user, password));
  }

  static void serviceAccount(String namespace, String name, String... pullSecrets) {
    ServiceAccountBuilder account = new ServiceAccountBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata();
    for (String secret : pullSecrets) {
      account.addNewImagePullSecret(secret);
    }
    client.serviceAccounts().inNamespace(namespace).resource(account.build()).createOr(existing -> existing.update());
  }

  ResolvedImage resolve(ImageReference ref, PullContext pod) throws Exception {
    return resolver.resolve(ref, pod, Deadline.after(Duration.ofSeconds(5))).get(10, TimeUnit.SECONDS);
  }

  ImageFetchException failure(ImageReference ref, PullContext pod) throws Exception {
    CompletableFuture<ResolvedImage> future = resolver.resolve(ref, pod, Deadline.after(Duration.ofSeconds(5)));
    try {
      future.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected the fetch to fail");
    } catch (ExecutionException e) {
      return (ImageFetchException) e.getCause();
    }
  }

  /** Waits (up to 5 s) until the resolver's informers have seen a change: resolving succeeds. */
  ResolvedImage eventually(ImageReference ref, PullContext pod) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      try {
        return resolve(ref, pod);
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  @Test
  void thePodsPullSecretGivesAccess() throws Exception {
    pullSecret("team-a", "regcred", "robot-a", "a-Pass");
    start(true);

    ResolvedImage image = resolve(image("1.0"), new PullContext("team-a", null, List.of("regcred")));

    assertThat(image.manifestDigest()).hasToString(app.manifestDigest());
    assertThat(image.platforms().get(0).user()).isEqualTo("65532");
  }

  @Test
  void aPodWithoutAccessGetsNothingFromAnotherPodsCachedFetch() throws Exception {
    pullSecret("team-a", "regcred", "robot-a", "a-Pass");
    start(true);
    resolve(image("1.0"), new PullContext("team-a", null, List.of("regcred")));
    RegistryAccessLog log = registry.accessLog();
    log.reset();

    ImageFetchException noSecret = failure(image("1.0"), new PullContext("team-b", null, List.of()));
    ImageFetchException secretOfAnotherNamespace = failure(image("1.0"), new PullContext("team-b", null, List.of("regcred")));
    ImageFetchException byDigest = failure(
        new ImageReference("x", registry.hostPort(), "private/app", null, Digest.parse(app.manifestDigest())), new PullContext("team-b", null, List.of()));

    assertThat(noSecret).hasMessage(registry.hostPort() + "/private/app:1.0: unauthorized (HTTP 401): check the registry credentials");
    assertThat(noSecret.reason()).isEqualTo(ErrorReason.UNAUTHORIZED);
    assertThat(secretOfAnotherNamespace.reason()).isEqualTo(ErrorReason.UNAUTHORIZED);
    assertThat(byDigest.reason()).as("a cached digest is checked with the pod's own access (HEAD): " + byDigest.getMessage()).isEqualTo(ErrorReason.UNAUTHORIZED);
    assertThat(log.count("HEAD", "/manifests/" + app.manifestDigest())).isPositive();

    // ... while the pod that has access keeps its cached answer: no request at all.
    log.reset();
    resolve(image("1.0"), new PullContext("team-a", null, List.of("regcred")));
    assertThat(log.requests()).isEmpty();
  }

  @Test
  void theServiceAccountsPullSecretsCountWhenThePodListsNone() throws Exception {
    pullSecret("team-c", "sa-cred", "robot-c", "c-Pass");
    serviceAccount("team-c", "builder", "sa-cred");
    serviceAccount("team-d", "default", "sa-cred");
    pullSecret("team-d", "sa-cred", "robot-c", "c-Pass");
    start(true);

    assertThat(resolve(image("1.0"), new PullContext("team-c", "builder", List.of())).platforms()).hasSize(1);
    assertThat(resolve(image("1.1"), new PullContext("team-d", null, List.of())).platforms().get(0).user())
        .as("no serviceAccountName: the default service account").isEqualTo("kong");
    assertThat(failure(image("1.0"), new PullContext("team-c", "other", List.of())).reason()).isEqualTo(ErrorReason.UNAUTHORIZED);
  }

  @Test
  void aRotatedSecretIsUsedWithoutARestart() throws Exception {
    pullSecret("team-r", "regcred", "robot-a", "old-Pass");
    start(true);
    PullContext pod = new PullContext("team-r", null, List.of("regcred"));
    int refusalsBefore = tokens.refusals();

    ImageFetchException refused = failure(image("1.0"), pod);
    assertThat(refused).hasMessage(registry.hostPort() + "/private/app:1.0: unauthorized (HTTP 401 from the token service): check the registry credentials");
    assertThat(refused.getMessage()).doesNotContain("old-Pass").doesNotContain("robot-a");
    assertThat(tokens.refusals() - refusalsBefore).isEqualTo(1);

    pullSecret("team-r", "regcred", "robot-a", "a-Pass");

    assertThat(eventually(image("1.0"), pod).manifestDigest()).hasToString(app.manifestDigest());
  }

  @Test
  void legacyDockercfgSecretsWork() throws Exception {
    String auth = Base64.getEncoder().encodeToString("robot-a:a-Pass".getBytes(StandardCharsets.UTF_8));
    secret("team-l", "old-style", "kubernetes.io/dockercfg", ".dockercfg", "{\"http://" + registry.hostPort() + "\":{\"auth\":\"" + auth + "\"}}");
    start(true);

    assertThat(resolve(image("1.0"), new PullContext("team-l", null, List.of("old-style"))).platforms()).hasSize(1);
  }

  @Test
  void keysAreMatchedAsTheKubeletMatchesThem() throws Exception {
    secret("team-k", "no-port", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", dockerConfigJson("127.0.0.1", "robot-a", "a-Pass"));
    secret("team-k", "path", "kubernetes.io/dockerconfigjson", ".dockerconfigjson", dockerConfigJson(registry.hostPort() + "/private", "robot-a", "a-Pass"));
    secret("team-k", "opaque", "Opaque", ".dockerconfigjson", dockerConfigJson(registry.hostPort(), "robot-a", "a-Pass"));
    start(true);

    assertThat(failure(image("1.0"), new PullContext("team-k", null, List.of("no-port"))).reason())
        .as("a key without port does not match a registry with one").isEqualTo(ErrorReason.UNAUTHORIZED);
    assertThat(failure(image("1.0"), new PullContext("team-k", null, List.of("opaque"))).reason())
        .as("only dockerconfigjson and dockercfg secrets count").isEqualTo(ErrorReason.UNAUTHORIZED);
    assertThat(resolve(image("1.0"), new PullContext("team-k", null, List.of("no-port", "path"))).platforms()).hasSize(1);
  }

  @Test
  void bearerTokensAreCachedPerCredentialAndShared() throws Exception {
    pullSecret("team-t", "regcred", "robot-a", "a-Pass");
    start(true);
    PullContext pod = new PullContext("team-t", null, List.of("regcred"));
    int before = tokens.tokensIssued();

    resolve(image("1.0"), pod);
    resolve(new ImageReference("x", registry.hostPort(), "private/app", null, Digest.parse(app.manifestDigest())), pod); // cached
    start(true);
    int afterFirstResolver = tokens.tokensIssued();
    resolve(image("1.1"), pod);
    resolve(image("1.0"), pod);

    assertThat(afterFirstResolver - before).isEqualTo(1);
    assertThat(tokens.tokensIssued() - afterFirstResolver).as("one token for both fetches of the new resolver").isEqualTo(1);
    assertThat(meters.get("imagegate.registry.tokens").tag("source", "cache").counter().count()).isPositive();
  }

  @Test
  void withoutUsePullSecretsThePodsSecretsAreNotRead() throws Exception {
    pullSecret("team-n", "regcred", "robot-a", "a-Pass");
    start(false);

    assertThat(failure(image("1.0"), new PullContext("team-n", null, List.of("regcred"))).reason()).isEqualTo(ErrorReason.UNAUTHORIZED);
  }
}
