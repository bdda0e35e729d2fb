package dev.imagegate.registry;

import static dev.imagegate.registry.RegistryTesting.ref;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.RegistrySettings;
import dev.imagegate.testing.FaultProxy;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.RegistryAccessLog;
import dev.imagegate.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many cold fetches must not leak sockets (jib-core's stock client kept one per request), and a
 * burst must not open more connections to one registry than {@code maxConcurrentFetchesPerRegistry}.
 *
 * <p>The 10,000 images are distinct manifests (each its own digest, pushed once, sharing one config
 * and layer): every fetch is a real cold fetch of an uncached digest, a manifest GET and a config
 * blob GET, 20,000 registry requests in all.
 */
class ManyFetchesTest {
  static final int FETCHES = 10_000;
  static final int WARM_UP = 200;
  /** Fetches handed to the resolver at once: far more than it runs at once, far fewer than would time out queueing. */
  static final int IN_FLIGHT = 256;

  static LocalRegistry registry;
  static List<TestImages.Pushed> variants;

  @BeforeAll
  static void push() {
    registry = LocalRegistry.startPlain("many");
    long start = System.nanoTime();
    variants = TestImages.in(registry).pushVariants("many/app", TestImages.nginx(), WARM_UP + FETCHES, 8);
    System.out.printf("ManyFetchesTest: pushed %d manifests in %d ms%n", variants.size(), (System.nanoTime() - start) / 1_000_000);
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  @Test
  void tenThousandUncachedDigestsLeaveOpenFileDescriptorsFlat() throws Exception {
    RegistryAccessLog log = registry.accessLog();
    RegistrySettings settings = RegistryTesting.insecure(registry.hostPort());
    try (ImageResolver resolver = RegistryTesting.resolver(settings).build()) {
      // A first batch grows the connection pool to its working size.
      fetchAll(resolver, variants.subList(0, WARM_UP));
      long fdsBefore = openFileDescriptors();
      log.reset();
      long start = System.nanoTime();

      fetchAll(resolver, variants.subList(WARM_UP, WARM_UP + FETCHES));

      long millis = (System.nanoTime() - start) / 1_000_000;
      long fdsAfter = openFileDescriptors();
      List<RegistryAccessLog.Request> requests = log.requests();
      int connections = log.connections();
      System.out.printf("ManyFetchesTest: %d uncached fetches in %d ms: %d requests over %d TCP connections, open fds %d -> %d%n",
          FETCHES, millis, requests.size(), connections, fdsBefore, fdsAfter);

      assertThat(requests).hasSize(2 * FETCHES).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
      assertThat(requests.stream().filter(r -> r.path().contains("/manifests/sha256:")).map(RegistryAccessLog.Request::path).distinct())
          .as("each digest fetched once").hasSize(FETCHES);
      // A leak grows the count; other tests' connections closing meanwhile may shrink it.
      assertThat(fdsAfter - fdsBefore).as("open file descriptors").isLessThanOrEqualTo(20L);
      assertThat(connections).as("TCP connections: at most maxConcurrentFetchesPerRegistry")
          .isLessThanOrEqualTo(RegistrySettings.DEFAULT_MAX_CONCURRENT_FETCHES_PER_REGISTRY);
    }
  }

  @Test
  void aBurstKeepsToTheBoundOfConcurrentRequestsPerRegistry() throws Exception {
    try (FaultProxy slow = FaultProxy.plain(registry)) {
      slow.on("GET", "/", -1, FaultProxy.delay(Duration.ofMillis(100)));
      RegistrySettings settings = RegistryTesting.insecure(slow.hostPort()).withMaxConcurrentFetchesPerRegistry(3);
      try (ImageResolver resolver = RegistryTesting.resolver(settings).build()) {
        List<CompletableFuture<ResolvedImage>> burst = new ArrayList<>();
        for (TestImages.Pushed image : variants.subList(0, 40)) {
          burst.add(resolver.resolve(ref(slow.hostPort(), "many/app", null, image.manifestDigest())));
        }
        for (CompletableFuture<ResolvedImage> fetch : burst) {
          assertThat(RegistryTesting.await(fetch).platforms()).hasSize(1);
        }

        assertThat(slow.requests()).hasSize(80);
        assertThat(slow.maxConcurrentRequests()).as("16 registry threads, 40 images, a bound of 3").isEqualTo(3);
      }
    }
  }

  /** Resolves every image by digest, {@link #IN_FLIGHT} at a time, and checks each answer. */
  private static void fetchAll(ImageResolver resolver, List<TestImages.Pushed> images) throws InterruptedException {
    Semaphore window = new Semaphore(IN_FLIGHT);
    List<CompletableFuture<ResolvedImage>> fetches = new ArrayList<>(images.size());
    for (TestImages.Pushed image : images) {
      if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new AssertionError("fetches stopped completing");
      }
      CompletableFuture<ResolvedImage> fetch = resolver.resolve(ref(registry.hostPort(), "many/app", null, image.manifestDigest()));
      fetch.whenComplete((resolved, error) -> window.release());
      fetches.add(fetch);
    }
    for (int i = 0; i < images.size(); i++) {
      ResolvedImage resolved = RegistryTesting.await(fetches.get(i));
      assertThat(resolved.manifestDigest()).hasToString(images.get(i).manifestDigest());
      assertThat(resolved.platforms().get(0).env()).contains("NGINX_VERSION=1.27.3");
    }
  }

  static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
