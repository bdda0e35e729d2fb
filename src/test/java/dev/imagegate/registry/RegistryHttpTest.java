package dev.imagegate.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class RegistryHttpTest {
  private static RegistryHttp http() throws Exception {
    return new RegistryHttp(SSLContext.getDefault(), Map.of(), Duration.ofSeconds(2), 8);
  }

  @Test
  void aBodyOverTheLimitIsRefused() throws Exception {
    try (LoopbackHttpServer server = new LoopbackHttpServer("x".repeat(5000))) {
      URI uri = URI.create("http://" + server.hostPort() + "/v2/");

      assertThatThrownBy(() -> http().send(HttpRequest.newBuilder(), uri, "GET", Deadline.after(Duration.ofSeconds(5)), 1000))
          .isInstanceOf(LimitedBodySubscriber.ResponseTooLargeException.class);
      assertThat(http().send(HttpRequest.newBuilder(), uri, "GET", Deadline.after(Duration.ofSeconds(5)), 5000).body()).hasSize(5000);
    }
  }

  @Test
  void noRequestIsSentOnceTheDeadlineHasPassed() throws Exception {
    try (LoopbackHttpServer server = new LoopbackHttpServer("{}")) {
      Deadline passed = new Deadline(System.nanoTime() - 1, Duration.ofSeconds(1));

      assertThatThrownBy(() -> http().send(HttpRequest.newBuilder(), URI.create("http://" + server.hostPort() + "/v2/"), "GET", passed, 100))
          .isInstanceOf(HttpTimeoutException.class);
      assertThat(server.paths()).isEmpty();
    }
  }

  @Test
  void connectionsAreReusedAcrossRequests() throws Exception {
    try (LoopbackHttpServer server = new LoopbackHttpServer("{}")) {
      RegistryHttp http = http();
      for (int i = 0; i < 5; i++) {
        assertThat(http.send(HttpRequest.newBuilder(), URI.create("http://" + server.hostPort() + "/v2/"), "GET", Deadline.after(Duration.ofSeconds(5)), 100).status())
            .isEqualTo(200);
      }
      assertThat(server.connections()).isEqualTo(1);
      assertThat(http.inFlight(server.hostPort())).isZero();
    }
  }
}
