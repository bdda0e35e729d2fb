package dev.imagegate.registry;

import static dev.imagegate.registry.RegistryTesting.await;
import static dev.imagegate.registry.RegistryTesting.failure;
import static dev.imagegate.registry.RegistryTesting.insecure;
import static dev.imagegate.registry.RegistryTesting.ref;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.CacheSettings;
import dev.imagegate.config.RegistrySettings;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.RegistryAccessLog;
import dev.imagegate.testing.TestImages;
import dev.imagegate.testing.TestImages.Format;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole pipeline against a real plain-HTTP registry: manifests, indexes, caches, errors, metrics. */
class PlainHttpRegistryTest {
  static LocalRegistry registry;
  static TestImages images;
  static RegistryAccessLog log;

  SimpleMeterRegistry meters;
  ImageResolver resolver;

  @BeforeAll
  static void start() {
    registry = LocalRegistry.startPlain("plain");
    images = TestImages.in(registry);
    log = registry.accessLog();
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  @BeforeEach
  void newResolver() {
    meters = new SimpleMeterRegistry();
    resolver = RegistryTesting.resolver(insecure(registry.hostPort())).meters(meters).build();
  }

  @AfterEach
  void closeResolver() {
    resolver.close();
  }

  private ImageReference local(String repository, String tag) {
    return ref(registry.hostPort(), repository, tag);
  }

  @Test
  void resolvesADockerV22Image() {
    TestImages.Pushed nginx = images.push("library/nginx", "1.27", TestImages.nginx());
    log.reset();

    ResolvedImage image = await(resolver.resolve(local("library/nginx", "1.27")));

    assertThat(image.reference()).isEqualTo(local("library/nginx", "1.27"));
    assertThat(image.manifestDigest()).hasToString(nginx.manifestDigest());
    ImageFacts facts = image.platforms().get(0);
    assertThat(image.platforms()).hasSize(1);
    assertThat(facts.platform()).isEqualTo("linux/amd64");
    assertThat(facts.configDigest()).isEqualTo(nginx.configDigest());
    assertThat(facts.user()).isEmpty();
    assertThat(facts.healthcheckTest()).isNull();
    assertThat(facts.env()).contains("NGINX_VERSION=1.27.3");
    assertThat(facts.history()).contains("ENV NGINX_VERSION=1.27.3");
    assertThat(log.manifestGets("library/nginx")).isEqualTo(1);
    assertThat(log.blobGets("library/nginx")).isEqualTo(1);
  }

  @Test
  void resolvesOciImagesShapedLikeRealOnes() {
    images.push("kong", "3.8", TestImages.kong(), Format.OCI);
    images.push("distroless/static", "nonroot", TestImages.distrolessNonroot(), Format.OCI);
    images.push("distroless/static", "latest", TestImages.distrolessRoot(), Format.OCI);
    images.push("library/python", "3.12", TestImages.python(), Format.OCI);
    images.push("leaky", "1.0", TestImages.leaky(), Format.OCI);

    ImageFacts kong = await(resolver.resolve(local("kong", "3.8"))).platforms().get(0);
    assertThat(kong.user()).isEqualTo("kong");
    assertThat(kong.healthcheckTest()).containsExactly("CMD-SHELL", "kong health");
    assertThat(await(resolver.resolve(local("distroless/static", "nonroot"))).platforms().get(0).user()).isEqualTo("65532");
    // no tag written means :latest
    assertThat(await(resolver.resolve(local("distroless/static", null))).platforms().get(0).user()).isEqualTo("0");
    assertThat(await(resolver.resolve(local("library/python", "3.12"))).platforms().get(0).env())
        .contains("GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305");
    assertThat(await(resolver.resolve(local("leaky", "1.0"))).platforms().get(0).env())
        .contains("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  }

  /** What image-size judges comes with the facts, from the manifest already read: no request more. */
  @Test
  void factsCarryTheLayerSizesOfTheirOwnManifest() {
    images.push("sized/single", "1.0", TestImages.nginx());
    images.pushIndex("sized/multi", "1.0", Format.OCI, false,
        TestImages.nginx().platform("linux/amd64"), TestImages.nginx().platform("linux/arm64/v8"));
    log.reset();

    assertThat(await(resolver.resolve(local("sized/single", "1.0"))).platforms()).extracting(ImageFacts::compressedSize)
        .containsExactly(TestImages.layerSize());
    ResolvedImage multi = await(resolver.resolve(local("sized/multi", "1.0"), PullContext.NONE, Deadline.after(Duration.ofSeconds(10)),
        only("linux/amd64", "linux/arm64")));
    assertThat(multi.platforms()).extracting(ImageFacts::compressedSize).containsExactly(TestImages.layerSize(), TestImages.layerSize());
    assertThat(log.manifestGets("sized/single") + log.blobGets("sized/single")).isEqualTo(2);
    assertThat(log.manifestGets("sized/multi")).isEqualTo(3);
  }

  @Test
  void digestWinsOverTheTag() {
    TestImages.Pushed first = images.push("moving", "stable", TestImages.distrolessRoot());
    images.push("moving", "stable", TestImages.distrolessNonroot()); // the tag moves on
    log.reset();

    ResolvedImage pinned = await(resolver.resolve(ref(registry.hostPort(), "moving", null, first.manifestDigest())));
    ResolvedImage tagAndDigest = await(resolver.resolve(ref(registry.hostPort(), "moving", "stable", first.manifestDigest())));

    assertThat(pinned.manifestDigest()).hasToString(first.manifestDigest());
    assertThat(pinned.platforms().get(0).user()).isEqualTo("0");
    assertThat(tagAndDigest.manifestDigest()).hasToString(first.manifestDigest());
    assertThat(tagAndDigest.platforms().get(0).user()).isEqualTo("0");
    assertThat(log.count("GET", "/manifests/" + first.manifestDigest())).isEqualTo(1);
    assertThat(log.count("GET", "/manifests/stable")).isZero();
  }

  @Test
  void ociIndexReadsOnlyTheChosenChildrenAndSkipsAttestations() {
    TestImages.PushedIndex index =
        images.pushIndex("multi/oci", "1.0", Format.OCI, true,
            TestImages.nginx().platform("linux/amd64"), TestImages.nginx().platform("linux/arm64/v8").user("101"),
            TestImages.nginx().platform("linux/ppc64le"));
    log.reset();

    // What the engine chooses for an unconstrained pod with the default registries.platforms
    ResolvedImage image = await(resolver.resolve(local("multi/oci", "1.0"), PullContext.NONE, Deadline.after(Duration.ofSeconds(10)),
        only("linux/amd64", "linux/arm64")));

    assertThat(image.manifestDigest()).hasToString(index.digest());
    assertThat(image.offered()).containsExactly("linux/amd64", "linux/arm64/v8", "linux/ppc64le");
    assertThat(image.platforms()).extracting(ImageFacts::platform).containsExactly("linux/amd64", "linux/arm64/v8");
    assertThat(image.platforms()).extracting(ImageFacts::user).containsExactly("", "101");
    assertThat(image.platforms()).extracting(ImageFacts::configDigest)
        .containsExactly(index.platforms().get(0).configDigest(), index.platforms().get(1).configDigest());
    assertThat(log.count("GET", "/manifests/" + index.attestationDigest())).isZero();
    assertThat(log.count("GET", "/manifests/" + index.platforms().get(2).manifestDigest())).isZero();
    assertThat(log.manifestGets("multi/oci")).isEqualTo(3);
    assertThat(log.blobGets("multi/oci")).isEqualTo(2);
  }

  @Test
  void aWindowsPodOnACachedIndexCostsOnlyItsChild() {
    TestImages.PushedIndex index = images.pushIndex("multi/mixed", "1.0", Format.OCI, false,
        TestImages.nginx().platform("linux/amd64"), TestImages.nginx().user("ContainerUser").windows("10.0.20348.2227"));
    await(resolver.resolve(local("multi/mixed", "1.0"), PullContext.NONE, Deadline.after(Duration.ofSeconds(10)), only("linux/amd64")));
    log.reset();

    ResolvedImage windows = await(resolver.resolve(local("multi/mixed", "1.0"), PullContext.NONE, Deadline.after(Duration.ofSeconds(10)),
        only("windows/amd64")));

    assertThat(windows.platforms()).extracting(ImageFacts::user).containsExactly("ContainerUser");
    assertThat(log.manifestGets("multi/mixed")).isEqualTo(1);
    assertThat(log.count("GET", "/manifests/" + index.platforms().get(1).manifestDigest())).isEqualTo(1);
    assertThat(log.blobGets("multi/mixed")).isEqualTo(1);

    // Children are immutable: asking again, or for both, costs nothing
    log.reset();
    ResolvedImage both = await(resolver.resolve(local("multi/mixed", "1.0")));
    assertThat(both.platforms()).extracting(ImageFacts::platform).containsExactly("linux/amd64", "windows/amd64");
    assertThat(log.requests()).isEmpty();
  }

  @Test
  void aChoiceOfNoChildReadsOnlyTheIndex() {
    images.pushIndex("multi/none", "1.0", Format.OCI, false, TestImages.nginx().platform("linux/amd64"));
    log.reset();

    ResolvedImage image = await(resolver.resolve(local("multi/none", "1.0"), PullContext.NONE, Deadline.after(Duration.ofSeconds(10)),
        only("linux/arm64")));

    assertThat(image.offered()).containsExactly("linux/amd64");
    assertThat(image.platforms()).isEmpty();
    assertThat(log.manifestGets("multi/none")).isEqualTo(1);
    assertThat(log.blobGets("multi/none")).isZero();
  }

  /** The children of these os/architectures, whatever their variant. */
  private static PlatformFilter only(String... platforms) {
    List<String> wanted = List.of(platforms);
    return offered -> offered.stream().filter(name -> wanted.contains(String.join("/", List.of(name.split("/")).subList(0, 2)))).toList();
  }

  @Test
  void dockerManifestListWorksToo() {
    images.pushIndex("multi/docker", "1.0", Format.DOCKER, false,
        TestImages.kong().platform("linux/amd64"), TestImages.kong().platform("linux/arm64"));

    ResolvedImage image = await(resolver.resolve(local("multi/docker", "1.0")));

    assertThat(image.platforms()).extracting(ImageFacts::platform).containsExactly("linux/amd64", "linux/arm64");
    assertThat(image.platforms()).allSatisfy(f -> assertThat(f.user()).isEqualTo("kong"));
  }

  @Test
  void windowsChildrenAreReadWithTheirOsVersion() {
    TestImages.PushedIndex index = images.pushIndex("multi/windows", "1.0", Format.OCI, false,
        TestImages.nginx().platform("linux/amd64"), TestImages.nginx().user("ContainerUser").windows("10.0.20348.2227"),
        TestImages.nginx().user("ContainerUser").windows("10.0.17763.5329"));

    ResolvedImage image = await(resolver.resolve(local("multi/windows", "1.0")));

    assertThat(image.manifestDigest()).hasToString(index.digest());
    assertThat(image.platforms()).extracting(ImageFacts::platform).containsExactly("linux/amd64", "windows/amd64", "windows/amd64");
    assertThat(image.platforms()).extracting(ImageFacts::osVersion).containsExactly(null, "10.0.20348.2227", "10.0.17763.5329");
  }

  @Test
  void aSinglePlatformImageIsStillOneManifestAndOneConfig() {
    images.push("single/app", "1.0", TestImages.distrolessNonroot());
    log.reset();

    ResolvedImage image = await(resolver.resolve(local("single/app", "1.0")));

    assertThat(image.platforms()).extracting(ImageFacts::user).containsExactly("65532");
    assertThat(log.manifestGets("single/app")).isEqualTo(1);
    assertThat(log.blobGets("single/app")).isEqualTo(1);
  }

  @Test
  void aMissingImageFailsWithA404NamingIt() {
    Throwable error = failure(resolver.resolve(local("library/nginx", "0.0-missing")));

    assertThat(error).isInstanceOf(ImageFetchException.class)
        .hasMessage(registry.hostPort() + "/library/nginx:0.0-missing: manifest unknown (HTTP 404)");
    assertThat(meters.get("imagegate.registry.errors").tag("reason", "not_found").counter().count()).isEqualTo(1);
    assertThat(meters.get("imagegate.registry.fetches").tag("outcome", "error").counter().count()).isEqualTo(1);
  }

  @Test
  void aMissingRepositoryFailsWithA404() {
    Throwable error = failure(resolver.resolve(local("nobody/nothing", "1.0")));

    assertThat(error).isInstanceOf(ImageFetchException.class)
        .hasMessageStartingWith(registry.hostPort() + "/nobody/nothing:1.0: ")
        .hasMessageEndingWith("(HTTP 404)");
  }

  @Test
  void aPlainHttpRegistryNotListedAsInsecureIsNotSpokenToOverHttp() {
    images.push("library/nginx", "1.27", TestImages.nginx());
    RegistrySettings strict = new RegistrySettings(null, null, null, null, Duration.ofSeconds(5), null);
    try (ImageResolver https = RegistryTesting.resolver(strict).meters(meters).build()) {
      Throwable error = failure(https.resolve(local("library/nginx", "1.27")));

      assertThat(error).hasMessageStartingWith(registry.hostPort() + "/library/nginx:1.27: TLS handshake failed");
      assertThat(meters.get("imagegate.registry.errors").tag("reason", "tls").counter().count()).isEqualTo(1);
    }
  }

  @Test
  void aMirrorStandsInForDockerHub() {
    TestImages.Pushed nginx = images.push("library/nginx", "1.27", TestImages.nginx());
    log.reset();
    RegistrySettings mirrored = new RegistrySettings(Map.of("docker.io", "http://" + registry.hostPort()), null, null, null, Duration.ofSeconds(8), null);
    try (ImageResolver hub = RegistryTesting.resolver(mirrored).meters(meters).build()) {
      ImageReference dockerHubNginx = new ImageReference("nginx:1.27", "docker.io", "library/nginx", "1.27", null);

      ResolvedImage image = await(hub.resolve(dockerHubNginx));

      assertThat(image.reference()).isEqualTo(dockerHubNginx);
      assertThat(image.manifestDigest()).hasToString(nginx.manifestDigest());
      assertThat(image.platforms().get(0).env()).contains("NGINX_VERSION=1.27.3");
      assertThat(log.count("GET", "^/v2/library/nginx/manifests/1.27$")).isEqualTo(1);
      assertThat(meters.get("imagegate.registry.fetches").tag("registry", "docker.io").tag("outcome", "success").counter().count()).isEqualTo(1);
    }
  }

  @Test
  void aMirrorWithoutSchemeIsPlainHttpWhenListedAsInsecure() {
    images.push("library/nginx", "1.27", TestImages.nginx());
    RegistrySettings mirrored =
        new RegistrySettings(Map.of("docker.io", registry.hostPort()), List.of(registry.hostPort()), null, null, Duration.ofSeconds(8), null);
    try (ImageResolver hub = RegistryTesting.resolver(mirrored).meters(meters).build()) {
      ResolvedImage image = await(hub.resolve(new ImageReference("nginx:1.27", "docker.io", "library/nginx", "1.27", null)));

      assertThat(image.platforms()).hasSize(1);
    }
  }

  @Test
  void aCachedImageCostsNoRequest() {
    images.push("cached", "1.0", TestImages.kong());
    ResolvedImage first = await(resolver.resolve(local("cached", "1.0")));
    log.reset();

    ResolvedImage second = await(resolver.resolve(local("cached", "1.0")));
    ResolvedImage byDigest = await(resolver.resolve(ref(registry.hostPort(), "cached", null, first.manifestDigest().toString())));

    assertThat(second.platforms()).isEqualTo(first.platforms());
    assertThat(byDigest.platforms()).isEqualTo(first.platforms());
    assertThat(log.requests()).isEmpty();
    assertThat(meters.get("imagegate.cache.requests").tag("cache", "tags").tag("result", "hit").counter().count()).isEqualTo(1);
    assertThat(meters.get("imagegate.cache.requests").tag("cache", "images").tag("result", "hit").counter().count()).isEqualTo(2);
  }

  @Test
  void anExpiredTagCostsOneHeadRequestWhenItsDigestIsUnchanged() {
    images.push("ttl", "1.0", TestImages.kong());
    try (ImageResolver noTagCache = RegistryTesting.resolver(insecure(registry.hostPort())).cache(new CacheSettings(null, null, Duration.ZERO)).meters(meters).build()) {
      ResolvedImage first = await(noTagCache.resolve(local("ttl", "1.0")));
      log.reset();

      ResolvedImage again = await(noTagCache.resolve(local("ttl", "1.0")));

      assertThat(again.platforms()).isEqualTo(first.platforms());
      assertThat(log.requests()).as("a HEAD (not counted as a pull by Docker Hub), nothing else")
          .containsExactly(new RegistryAccessLog.Request("HEAD", "/v2/ttl/manifests/1.0", 200));
    }
  }

  @Test
  void anExpiredTagThatMovedIsFetchedByItsNewDigest() {
    images.push("moved", "1.0", TestImages.kong());
    try (ImageResolver noTagCache = RegistryTesting.resolver(insecure(registry.hostPort())).cache(new CacheSettings(null, null, Duration.ZERO)).meters(meters).build()) {
      await(noTagCache.resolve(local("moved", "1.0")));
      TestImages.Pushed moved = images.push("moved", "1.0", TestImages.distrolessNonroot());
      log.reset();

      ResolvedImage again = await(noTagCache.resolve(local("moved", "1.0")));

      assertThat(again.manifestDigest()).hasToString(moved.manifestDigest());
      assertThat(again.platforms().get(0).user()).isEqualTo("65532");
      assertThat(log.requests()).extracting(RegistryAccessLog.Request::method, RegistryAccessLog.Request::path).containsExactly(
          org.assertj.core.groups.Tuple.tuple("HEAD", "/v2/moved/manifests/1.0"),
          org.assertj.core.groups.Tuple.tuple("GET", "/v2/moved/manifests/" + moved.manifestDigest()),
          org.assertj.core.groups.Tuple.tuple("GET", "/v2/moved/blobs/" + moved.configDigest()));
    }
  }

  @Test
  void concurrentRequestsForOneImageShareOneFetch() throws Exception {
    images.push("popular", "1.0", TestImages.python());
    log.reset();
    ExecutorService callers = Executors.newFixedThreadPool(50);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<CompletableFuture<ResolvedImage>>> calls = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        calls.add(callers.submit(() -> {
          go.await();
          return resolver.resolve(local("popular", "1.0"));
        }));
      }
      go.countDown();
      for (Future<CompletableFuture<ResolvedImage>> call : calls) {
        assertThat(await(call.get()).platforms().get(0).env()).contains("LANG=C.UTF-8");
      }
    } finally {
      callers.shutdownNow();
    }

    assertThat(log.manifestGets("popular")).isEqualTo(1);
    assertThat(log.blobGets("popular")).isEqualTo(1);
    assertThat(meters.get("imagegate.registry.fetches").tag("outcome", "success").counter().count()).isEqualTo(1);
  }

  @Test
  void aFailedFetchIsRememberedForErrorTtlOnly() throws Exception {
    try (ImageResolver shortMemory = RegistryTesting.resolver(insecure(registry.hostPort())).cache(new CacheSettings(null, null, null, Duration.ofMillis(700))).meters(meters).build()) {
      Throwable error = failure(shortMemory.resolve(local("later", "1.0")));
      assertThat(error).hasMessageEndingWith("(HTTP 404)");
      images.push("later", "1.0", TestImages.distrolessNonroot());
      log.reset();

      Throwable remembered = failure(shortMemory.resolve(local("later", "1.0")));

      assertThat(remembered).hasMessage(error.getMessage());
      assertThat(((ImageFetchException) remembered).reason()).isEqualTo(ErrorReason.NOT_FOUND);
      assertThat(log.requests()).as("a broken image does not hammer its registry").isEmpty();
      assertThat(meters.get("imagegate.cache.requests").tag("cache", "errors").tag("result", "hit").counter().count()).isEqualTo(1);

      Thread.sleep(800);
      assertThat(await(shortMemory.resolve(local("later", "1.0"))).platforms().get(0).user()).isEqualTo("65532");
    }
  }

  @Test
  void withErrorTtlZeroAFailureIsNotRemembered() {
    try (ImageResolver noMemory = RegistryTesting.resolver(insecure(registry.hostPort())).cache(new CacheSettings(null, null, null, Duration.ZERO)).meters(meters).build()) {
      assertThat(failure(noMemory.resolve(local("later0", "1.0")))).hasMessageEndingWith("(HTTP 404)");
      images.push("later0", "1.0", TestImages.distrolessNonroot());

      assertThat(await(noMemory.resolve(local("later0", "1.0"))).platforms().get(0).user()).isEqualTo("65532");
    }
  }

  @Test
  void resolveDoesNotBlockTheCaller() {
    images.push("async", "1.0", TestImages.nginx());
    long start = System.nanoTime();
    CompletableFuture<ResolvedImage> future = resolver.resolve(local("async", "1.0"));
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(elapsedMillis).isLessThan(200);
    assertThat(await(future).platforms()).hasSize(1);
  }

  @Test
  void fetchesAreTimedAndCountedByRegistryHost() {
    images.push("metrics", "1.0", TestImages.nginx());
    await(resolver.resolve(local("metrics", "1.0")));

    assertThat(meters.get("imagegate.registry.fetches").tag("registry", registry.hostPort()).tag("outcome", "success").counter().count()).isEqualTo(1);
    assertThat(meters.get("imagegate.registry.fetch").tag("registry", registry.hostPort()).timer().count()).isEqualTo(1);
    assertThat(meters.get("imagegate.cache.requests").tag("cache", "tags").tag("result", "miss").counter().count()).isEqualTo(1);
  }
}
