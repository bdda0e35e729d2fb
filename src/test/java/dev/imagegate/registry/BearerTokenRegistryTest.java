package dev.imagegate.registry;

import static dev.imagegate.registry.RegistryTesting.await;
import static dev.imagegate.registry.RegistryTesting.dockerConfig;
import static dev.imagegate.registry.RegistryTesting.failure;
import static dev.imagegate.registry.RegistryTesting.ref;
import static dev.imagegate.registry.RegistryTesting.withDockerConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.tools.jib.api.Credential;
import dev.imagegate.config.RegistrySettings;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.RegistryAccessLog;
import dev.imagegate.testing.TestCa;
import dev.imagegate.testing.TestImages;
import dev.imagegate.testing.TokenServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bearer-token flow (as Docker Hub does it): the registry answers 401 with a challenge naming a
 * token service; the token (anonymous or for the configured credentials) then goes with each request.
 */
class BearerTokenRegistryTest {
  static TestCa ca;
  /** HTTPS registry, HTTPS token service, anonymous pulls allowed (like Docker Hub). */
  static TokenServer hubLikeTokens;
  static LocalRegistry hubLike;
  /** Plain-HTTP registry with a plain-HTTP token service, no anonymous pulls. */
  static TokenServer privateTokens;
  static LocalRegistry privateRegistry;

  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    ca = TestCa.create("imagegate-token-ca");
    hubLikeTokens = TokenServer.start(ca, true, Map.of("bob", "b0b-Pass", "pusher", "push-Pass"), true);
    hubLike = LocalRegistry.builder().name("tls-token").tls(ca).tokenAuth(hubLikeTokens, Credential.from("pusher", "push-Pass")).start();
    TestImages.in(hubLike).push("library/nginx", "1.27", TestImages.nginx());
    TestImages.in(hubLike).push("library/python", "3.12", TestImages.python());
    TestImages.in(hubLike).push("library/nginx", "1.26", TestImages.nginx().withEnv("NGINX_OLD=1"));
    TestImages.in(hubLike).push("library/nginx", "1.25", TestImages.nginx().withEnv("NGINX_OLDER=1"));

    privateTokens = TokenServer.start(ca, false, Map.of("carol", "car0l-Pass", "pusher", "push-Pass"), false);
    privateRegistry = LocalRegistry.builder().name("plain-token").tokenAuth(privateTokens, Credential.from("pusher", "push-Pass")).start();
    TestImages.in(privateRegistry).push("team/app", "2.0", TestImages.distrolessNonroot());
  }

  @AfterAll
  static void stop() {
    hubLike.close();
    hubLikeTokens.close();
    privateRegistry.close();
    privateTokens.close();
  }

  private static ImageResolver hubLikeResolver(Path dockerConfig, SimpleMeterRegistry meters) {
    return RegistryTesting.resolver(withDockerConfig(RegistrySettings.defaults(), dockerConfig)).meters(meters).tls(ca.clientContext()).build();
  }

  private static ImageResolver privateResolver(Path dockerConfig) {
    RegistrySettings insecure = new RegistrySettings(null, List.of(privateRegistry.hostPort()), null, null, Duration.ofSeconds(8), null);
    return RegistryTesting.resolver(withDockerConfig(insecure, dockerConfig)).tls(ca.clientContext()).build();
  }

  @Test
  void anonymousPullsGetAnAnonymousToken() {
    RegistryAccessLog log = hubLike.accessLog();
    try (ImageResolver resolver = hubLikeResolver(null, new SimpleMeterRegistry())) {
      int tokensBefore = hubLikeTokens.tokensIssued();
      log.reset();

      ResolvedImage nginx = await(resolver.resolve(ref(hubLike.hostPort(), "library/nginx", "1.27")));

      assertThat(nginx.platforms().get(0).env()).contains("NGINX_VERSION=1.27.3");
      assertThat(hubLikeTokens.tokensIssued() - tokensBefore).isEqualTo(1);
      assertThat(log.requests()).filteredOn(r -> r.status() == 401).hasSize(1);

      log.reset();
      await(resolver.resolve(ref(hubLike.hostPort(), "library/python", "3.12")));

      assertThat(hubLikeTokens.tokensIssued() - tokensBefore).isEqualTo(2);
      assertThat(log.requests()).as("the challenge is remembered: the token is fetched before the first request")
          .allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    }
  }

  @Test
  void aTokenIsReusedByLaterFetchesOfTheSameRepository() {
    RegistryAccessLog log = hubLike.accessLog();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ImageResolver resolver = hubLikeResolver(null, meters)) {
      await(resolver.resolve(ref(hubLike.hostPort(), "library/nginx", "1.27")));
      int tokensBefore = hubLikeTokens.tokensIssued();
      log.reset();

      await(resolver.resolve(ref(hubLike.hostPort(), "library/nginx", "1.26")));

      assertThat(hubLikeTokens.tokensIssued()).as("no new token: the cached one goes with the first request").isEqualTo(tokensBefore);
      assertThat(log.requests()).hasSize(2).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
      // one token from the token service (after the first 401), then the cached one for the 3 other requests
      assertThat(meters.get("imagegate.registry.tokens").tag("source", "token_service").counter().count()).isEqualTo(1);
      assertThat(meters.get("imagegate.registry.tokens").tag("source", "cache").counter().count()).isEqualTo(3);
    }
  }

  @Test
  void aTokenIsNotUsedPastItsExpiresIn() throws Exception {
    try (ImageResolver resolver = hubLikeResolver(null, new SimpleMeterRegistry())) {
      hubLikeTokens.expiresIn(1);
      try {
        await(resolver.resolve(ref(hubLike.hostPort(), "library/nginx", "1.27")));
        int tokensBefore = hubLikeTokens.tokensIssued();
        Thread.sleep(1100);

        await(resolver.resolve(ref(hubLike.hostPort(), "library/nginx", "1.25")));

        assertThat(hubLikeTokens.tokensIssued() - tokensBefore).as("the expired token was replaced before use").isEqualTo(1);
      } finally {
        hubLikeTokens.expiresIn(300);
      }
    }
  }

  @Test
  void credentialsFromDockerConfigAreSentToTheTokenService() {
    Path config = dockerConfig(tmp, hubLike.hostPort(), "bob", "b0b-Pass");
    try (ImageResolver resolver = hubLikeResolver(config, new SimpleMeterRegistry())) {
      assertThat(await(resolver.resolve(ref(hubLike.hostPort(), "library/nginx", "1.27"))).platforms()).hasSize(1);
    }
  }

  @Test
  void wrongCredentialsAreReportedAsUnauthorized() {
    Path config = dockerConfig(tmp, hubLike.hostPort(), "bob", "wrong-Pass");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ImageResolver resolver = hubLikeResolver(config, meters)) {
      int refusalsBefore = hubLikeTokens.refusals();

      Throwable error = failure(resolver.resolve(ref(hubLike.hostPort(), "library/nginx", "1.27")));

      assertThat(error).isInstanceOf(ImageFetchException.class)
          .hasMessage(hubLike.hostPort() + "/library/nginx:1.27: unauthorized (HTTP 401 from the token service): check the registry credentials");
      assertThat(error.getMessage()).doesNotContain("wrong-Pass").doesNotContain("bob");
      assertThat(hubLikeTokens.refusals() - refusalsBefore).isEqualTo(1);
      assertThat(meters.get("imagegate.registry.errors").tag("reason", "unauthorized").counter().count()).isEqualTo(1);
    }
  }

  @Test
  void aPlainHttpRegistryWithAPlainHttpTokenServiceWorksWhenListedAsInsecure() {
    Path config = dockerConfig(tmp, privateRegistry.hostPort(), "carol", "car0l-Pass");
    try (ImageResolver resolver = privateResolver(config)) {
      ResolvedImage app = await(resolver.resolve(ref(privateRegistry.hostPort(), "team/app", "2.0")));

      assertThat(app.platforms().get(0).user()).isEqualTo("65532");
    }
  }

  @Test
  void aTokenWithoutAccessIsReportedAsUnauthorized() {
    try (ImageResolver resolver = privateResolver(null)) {
      Throwable error = failure(resolver.resolve(ref(privateRegistry.hostPort(), "team/app", "2.0")));

      assertThat(error).hasMessage(privateRegistry.hostPort() + "/team/app:2.0: unauthorized (HTTP 401): check the registry credentials");
    }
  }
}
