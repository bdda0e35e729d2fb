package dev.imagegate.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class RegistryHttpTest {
  private static RegistryHttp http() throws Exception {
    return new RegistryHttp(SSLContext.getDefault(), Map.of(), Duration.ofSeconds(2));
  }

  @Test
  void aBodyOverTheLimitIsRefused() throws Exception {
    try (LoopbackHttpServer server = new LoopbackHttpServer("x".repeat(5000))) {
      URI uri = URI.create("http://" + server.hostPort() + "/v2/");

      assertThatThrownBy(() -> http().send(RegistryRequest.get(uri, null, 1000), Deadline.after(Duration.ofSeconds(5))))
          .isInstanceOf(LimitedBodySubscriber.ResponseTooLargeException.class);
      assertThat(http().send(RegistryRequest.get(uri, null, 5000), Deadline.after(Duration.ofSeconds(5))).body()).hasSize(5000);
    }
  }

  @Test
  void noRequestIsSentOnceTheDeadlineHasPassed() throws Exception {
    try (LoopbackHttpServer server = new LoopbackHttpServer("{}")) {
      Deadline passed = new Deadline(System.nanoTime() - 1, Duration.ofSeconds(1));

      assertThatThrownBy(() -> http().send(RegistryRequest.get(URI.create("http://" + server.hostPort() + "/v2/"), null, 100), passed))
          .isInstanceOf(HttpTimeoutException.class);
      assertThat(server.paths()).isEmpty();
    }
  }

  @Test
  void connectionsAreReusedAcrossRequests() throws Exception {
    try (LoopbackHttpServer server = new LoopbackHttpServer("{}")) {
      RegistryHttp http = http();
      for (int i = 0; i < 5; i++) {
        assertThat(http.send(RegistryRequest.get(URI.create("http://" + server.hostPort() + "/v2/"), null, 100), Deadline.after(Duration.ofSeconds(5))).status())
            .isEqualTo(200);
      }
      assertThat(server.connections()).isEqualTo(1);
    }
  }
}
