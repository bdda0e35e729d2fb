package dev.imagegate.registry;

import static dev.imagegate.registry.RegistryTesting.failure;
import static dev.imagegate.registry.RegistryTesting.ref;
import static dev.imagegate.registry.RegistryTesting.settings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.RegistrySettings;
import dev.imagegate.testing.SilentServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Registries that hang or are not there: the fetch fails within the deadline, with a reason. */
class UnreachableRegistryTest {

  @Test
  void aRegistryThatNeverAnswersTimesOutWithinTheDeadline() throws Exception {
    try (SilentServer silent = SilentServer.start()) {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      RegistrySettings oneSecond = settings(List.of(silent.hostPort()), Map.of(), Duration.ofSeconds(1));
      try (ImageResolver resolver = RegistryTesting.resolver(oneSecond).meters(meters).build()) {
        long start = System.nanoTime();
        CompletableFuture<ResolvedImage> future = resolver.resolve(ref(silent.hostPort(), "library/nginx", "1.27"));
        Throwable error = failure(future);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(error).isInstanceOf(ImageFetchException.class)
            .hasMessage(silent.hostPort() + "/library/nginx:1.27: timed out after 1s");
        assertThat(elapsedMillis).isBetween(900L, 2000L);
        assertThat(silent.connectionsAccepted()).isEqualTo(1);

        Thread.sleep(300); // the worker gives up too; the failure is counted once
        assertThat(meters.get("imagegate.registry.errors").tag("reason", "timeout").counter().count()).isEqualTo(1);
        assertThat(meters.get("imagegate.registry.fetches").tag("outcome", "error").counter().count()).isEqualTo(1);
      }
    }
  }

  @Test
  void aTlsHandshakeThatNeverCompletesTimesOutToo() {
    try (SilentServer silent = SilentServer.start()) {
      RegistrySettings https = settings(List.of(), Map.of(), Duration.ofMillis(800));
      try (ImageResolver resolver = RegistryTesting.resolver(https).build()) {
        long start = System.nanoTime();
        Throwable error = failure(resolver.resolve(ref(silent.hostPort(), "app", "1.0")));

        assertThat(error).hasMessage(silent.hostPort() + "/app:1.0: timed out after 800ms");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000L);
      }
    }
  }

  @Test
  void aClosedPortIsReportedAsConnectionRefused() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String host = "127.0.0.1:" + port;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ImageResolver resolver = RegistryTesting.resolver(settings(List.of(host), Map.of(), Duration.ofSeconds(5))).meters(meters).build()) {
      long start = System.nanoTime();
      Throwable error = failure(resolver.resolve(ref(host, "app", "1.0")));

      assertThat(error).hasMessage(host + "/app:1.0: connection refused");
      assertThat((System.nanoTime() - start) / 1_000_000).as("no retry storm").isLessThan(1000L);
      assertThat(meters.get("imagegate.registry.errors").tag("reason", "io").counter().count()).isEqualTo(1);
    }
  }
}
