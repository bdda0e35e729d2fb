package dev.imagegate.registry;

import static dev.imagegate.registry.RegistryTesting.await;
import static dev.imagegate.registry.RegistryTesting.insecure;
import static dev.imagegate.registry.RegistryTesting.ref;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.CacheSettings;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.RegistryAccessLog;
import dev.imagegate.testing.TestImages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The jib-core pitfall this package works around: its stock HTTP client opens a socket per request
 * and keeps it until shut down. Here many uncached fetches must leave the number of open file
 * descriptors flat, and use few TCP connections.
 */
class ConnectionReuseTest {
  static final int IMAGES = 350;
  static final int WARM_UP = 50;

  @Test
  void manyUncachedFetchesKeepOpenSocketsFlatAndReuseConnections() throws IOException {
    try (LocalRegistry registry = LocalRegistry.startPlain("reuse")) {
      TestImages images = TestImages.in(registry);
      long pushStart = System.nanoTime();
      for (int i = 0; i < IMAGES; i++) {
        images.push("many/app", "v" + i, TestImages.nginx().withEnv("IMAGE_NUMBER=" + i));
      }
      long pushMillis = (System.nanoTime() - pushStart) / 1_000_000;
      RegistryAccessLog log = registry.accessLog();
      try (ImageResolver resolver = new ImageResolver(insecure(registry.hostPort()), CacheSettings.defaults(), new SimpleMeterRegistry())) {
        // A first batch grows the connection pool to its working size (one per registry thread at most).
        fetchAll(resolver, registry, 0, WARM_UP);
        long fdsBefore = openFileDescriptors();
        log.reset();
        long fetchStart = System.nanoTime();

        fetchAll(resolver, registry, WARM_UP, IMAGES);

        long fetchMillis = (System.nanoTime() - fetchStart) / 1_000_000;
        long fdsAfter = openFileDescriptors();
        int connections = log.connections();
        long requests = log.requests().size();
        System.out.printf(
            "ConnectionReuseTest: pushed %d images in %d ms; %d uncached fetches in %d ms: %d requests over %d TCP connections, open fds %d -> %d%n",
            IMAGES, pushMillis, IMAGES - WARM_UP, fetchMillis, requests, connections, fdsBefore, fdsAfter);

        assertThat(requests).isEqualTo(2L * (IMAGES - WARM_UP));
        assertThat(fdsAfter - fdsBefore).as("open file descriptors").isBetween(-20L, 20L);
        assertThat(connections).as("TCP connections").isLessThanOrEqualTo(ImageResolver.FETCH_THREADS + 4);
      }
    }
  }

  /** Resolves tags v{from}..v{to - 1} all at once and checks each answer. */
  private static void fetchAll(ImageResolver resolver, LocalRegistry registry, int from, int to) {
    List<CompletableFuture<ResolvedImage>> fetches = new ArrayList<>();
    for (int i = from; i < to; i++) {
      fetches.add(resolver.resolve(ref(registry.hostPort(), "many/app", "v" + i)));
    }
    for (int i = from; i < to; i++) {
      assertThat(await(fetches.get(i - from)).platforms().get(0).env()).contains("IMAGE_NUMBER=" + i);
    }
  }

  static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
