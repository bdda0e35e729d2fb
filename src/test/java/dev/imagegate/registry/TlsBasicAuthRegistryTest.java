package dev.imagegate.registry;

import static dev.imagegate.registry.RegistryTesting.await;
import static dev.imagegate.registry.RegistryTesting.dockerConfig;
import static dev.imagegate.registry.RegistryTesting.failure;
import static dev.imagegate.registry.RegistryTesting.ref;
import static dev.imagegate.registry.RegistryTesting.withDockerConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.RegistrySettings;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.RegistryAccessLog;
import dev.imagegate.testing.TestCa;
import dev.imagegate.testing.TestImages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry behind TLS (custom CA) with htpasswd basic auth; credentials from a docker config.json. */
class TlsBasicAuthRegistryTest {
  static final String USER = "alice";
  static final String PASSWORD = "s3cret-Pa55";

  static TestCa ca;
  static LocalRegistry registry;
  static RegistryAccessLog log;

  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    ca = TestCa.create("imagegate-test-ca");
    registry = LocalRegistry.builder().name("tls-basic").tls(ca).htpasswd(USER, PASSWORD).start();
    log = registry.accessLog();
    TestImages images = TestImages.in(registry);
    images.push("team/kong", "3.8", TestImages.kong());
    images.push("team/app", "1.0", TestImages.distrolessNonroot());
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  private ImageResolver resolver(Path dockerConfig, SSLContext tls, SimpleMeterRegistry meters) {
    RegistrySettings settings = withDockerConfig(RegistrySettings.defaults(), dockerConfig);
    return RegistryTesting.resolver(settings).meters(meters).tls(tls).build();
  }

  @Test
  void basicAuthWithCredentialsFromDockerConfig() {
    Path config = dockerConfig(tmp, registry.hostPort(), USER, PASSWORD);
    try (ImageResolver resolver = resolver(config, ca.clientContext(), new SimpleMeterRegistry())) {
      log.reset();
      ResolvedImage kong = await(resolver.resolve(ref(registry.hostPort(), "team/kong", "3.8")));

      assertThat(kong.platforms().get(0).user()).isEqualTo("kong");
      assertThat(log.count("GET", "/manifests/3.8")).isEqualTo(2); // anonymous first: 401, then with credentials
      assertThat(log.requests()).filteredOn(r -> r.status() == 401).hasSize(1);

      log.reset();
      ResolvedImage app = await(resolver.resolve(ref(registry.hostPort(), "team/app", "1.0")));

      assertThat(app.platforms().get(0).user()).isEqualTo("65532");
      assertThat(log.requests()).as("the challenge is remembered: credentials go with the first request")
          .allSatisfy(r -> assertThat(r.status()).isEqualTo(200))
          .hasSize(2);
    }
  }

  @Test
  void dockerConfigKeysWithHttpsSchemeMatchToo() {
    Path config = dockerConfig(tmp, "https://" + registry.hostPort(), USER, PASSWORD);
    try (ImageResolver resolver = resolver(config, ca.clientContext(), new SimpleMeterRegistry())) {
      assertThat(await(resolver.resolve(ref(registry.hostPort(), "team/kong", "3.8"))).platforms()).hasSize(1);
    }
  }

  @Test
  void wrongCredentialsGiveAClearUnauthorizedError() {
    Path config = dockerConfig(tmp, registry.hostPort(), USER, "not-the-password");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ImageResolver resolver = resolver(config, ca.clientContext(), meters)) {
      Throwable error = failure(resolver.resolve(ref(registry.hostPort(), "team/kong", "3.8")));

      assertThat(error).isInstanceOf(ImageFetchException.class)
          .hasMessage(registry.hostPort() + "/team/kong:3.8: unauthorized (HTTP 401): check the registry credentials");
      assertThat(error.getMessage()).doesNotContain("not-the-password").doesNotContain(USER);
      assertThat(meters.get("imagegate.registry.errors").tag("reason", "unauthorized").counter().count()).isEqualTo(1);
    }
  }

  @Test
  void noCredentialsGiveAnUnauthorizedError() {
    try (ImageResolver resolver = resolver(null, ca.clientContext(), new SimpleMeterRegistry())) {
      assertThat(failure(resolver.resolve(ref(registry.hostPort(), "team/kong", "3.8"))))
          .hasMessage(registry.hostPort() + "/team/kong:3.8: unauthorized (HTTP 401): check the registry credentials");
    }
  }

  @Test
  void anUntrustedCertificateIsRefused() throws Exception {
    Path config = dockerConfig(tmp, registry.hostPort(), USER, PASSWORD);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ImageResolver resolver = resolver(config, SSLContext.getDefault(), meters)) {
      log.reset();
      Throwable error = failure(resolver.resolve(ref(registry.hostPort(), "team/kong", "3.8")));

      assertThat(error).hasMessage(registry.hostPort() + "/team/kong:3.8: TLS certificate not trusted");
      assertThat(meters.get("imagegate.registry.errors").tag("reason", "tls").counter().count()).isEqualTo(1);
      assertThat(log.requests()).as("no fallback to unverified TLS or plain HTTP").isEmpty();
    }
  }

  @Test
  void aCaBundleForTheHostIsTrustedOnTopOfTheSystemTrustStore() {
    Path config = dockerConfig(tmp, registry.hostPort(), USER, PASSWORD);
    RegistrySettings settings = withDockerConfig(RegistrySettings.defaults(), config)
        .withCaBundles(java.util.Map.of(registry.hostPort(), registry.caPem().toString()));
    try (ImageResolver resolver = RegistryTesting.resolver(settings).build()) {
      assertThat(await(resolver.resolve(ref(registry.hostPort(), "team/kong", "3.8"))).platforms().get(0).user()).isEqualTo("kong");
    }
  }

  @Test
  void aCaBundleKeyedByHostAloneCoversEveryPort() {
    Path config = dockerConfig(tmp, registry.hostPort(), USER, PASSWORD);
    RegistrySettings settings = withDockerConfig(RegistrySettings.defaults(), config)
        .withCaBundles(java.util.Map.of("127.0.0.1", registry.caPem().toString()));
    try (ImageResolver resolver = RegistryTesting.resolver(settings).build()) {
      assertThat(await(resolver.resolve(ref(registry.hostPort(), "team/app", "1.0"))).platforms()).hasSize(1);
    }
  }

  @Test
  void aCaBundleForAnotherHostDoesNotApply() {
    RegistrySettings settings = RegistrySettings.defaults().withCaBundles(java.util.Map.of("127.0.0.1:1", registry.caPem().toString()));
    try (ImageResolver resolver = RegistryTesting.resolver(settings).build()) {
      assertThat(failure(resolver.resolve(ref(registry.hostPort(), "team/kong", "3.8"))))
          .hasMessage(registry.hostPort() + "/team/kong:3.8: TLS certificate not trusted");
    }
  }

  @Test
  void aMissingCaBundleStopsStartUpNamingTheKey() {
    RegistrySettings settings = RegistrySettings.defaults().withCaBundles(java.util.Map.of("registry.example.com", "/nonexistent/ca.pem"));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RegistryTesting.resolver(settings).build())
        .isInstanceOf(dev.imagegate.config.ConfigException.class)
        .hasMessageStartingWith("registries.caBundles.registry.example.com: cannot read /nonexistent/ca.pem");
  }

  @Test
  void aCertificateForAnotherHostIsRefused() {
    try (LocalRegistry wrongName = LocalRegistry.builder().name("tls-wrong-name").tls(ca, "registry.example.com").start();
        ImageResolver resolver = resolver(null, ca.clientContext(), new SimpleMeterRegistry())) {
      Throwable error = failure(resolver.resolve(ref(wrongName.hostPort(), "x", "1")));

      assertThat(error).hasMessage(wrongName.hostPort() + "/x:1: TLS certificate does not match the host name");
    }
  }
}
