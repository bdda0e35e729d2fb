package dev.imagegate.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.HttpTransport;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.http.Request;
import com.google.cloud.tools.jib.http.Response;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * Guards the one piece of jib-core we reach past its public API: FailoverHttpClient's
 * package-private constructor that takes the HTTP transports. If a jib-core upgrade changes it,
 * this fails first, with the reason.
 */
class JibHttpClientsTest {

  @Test
  void jibCoreStillHasTheConstructorThatTakesTransports() throws Exception {
    assertThat(FailoverHttpClient.class.getDeclaredConstructor(
            boolean.class, boolean.class, Consumer.class, Supplier.class, Supplier.class, boolean.class))
        .as("jib-core's FailoverHttpClient(boolean, boolean, Consumer<LogEvent>, Supplier<HttpTransport>, "
            + "Supplier<HttpTransport>, boolean): JibHttpClients depends on it; see docs/registry.md")
        .isNotNull();
  }

  @Test
  void requestsGoThroughOurTransportAndConnectionsOutliveEachClient() throws Exception {
    try (LoopbackHttpServer server = new LoopbackHttpServer("{}")) {
      RegistryHttp http = new RegistryHttp(SSLContext.getDefault(), Duration.ofSeconds(2));
      RegistryEndpoint endpoint = new RegistryEndpoint(server.hostPort(), server.hostPort(), true, false);
      for (int fetch = 0; fetch < 3; fetch++) {
        FetchTransport transport = http.newFetch(endpoint, Deadline.after(Duration.ofSeconds(5)));
        FailoverHttpClient client = JibHttpClients.create(true, transport, event -> {});
        // jib-core always builds https:// URLs; the transport speaks plain HTTP to this endpoint
        try (Response response = client.get(new URL("https://" + server.hostPort() + "/v2/"), Request.builder().build())) {
          assertThat(response.getStatusCode()).isEqualTo(200);
          assertThat(new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{}");
        }
        assertThat(client.getTransportsCreated()).allMatch(created -> created == transport);
        client.shutDown();
      }
      assertThat(server.paths()).containsExactly("/v2/", "/v2/", "/v2/");
      assertThat(server.connections()).as("one kept-alive connection across three clients").isEqualTo(1);
    }
  }

  @Test
  void failedConnectionsAreNotRetried() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    RegistryHttp http = new RegistryHttp(SSLContext.getDefault(), Duration.ofSeconds(2));
    FetchTransport transport = http.newFetch(new RegistryEndpoint("x", "127.0.0.1:" + port, true, false), Deadline.after(Duration.ofSeconds(30)));
    FailoverHttpClient client = JibHttpClients.create(true, transport, event -> {});
    long start = System.nanoTime();

    assertThatThrownBy(() -> client.get(new URL("https://127.0.0.1:" + port + "/v2/"), Request.builder().build()))
        .isInstanceOf(ConnectException.class);
    assertThat((System.nanoTime() - start) / 1_000_000).as("no exponential back-off").isLessThan(1000L);
  }

  @Test
  void jibCannotTurnOffCertificateChecks() throws IOException {
    RegistryHttp http = new RegistryHttp(defaultTls(), Duration.ofSeconds(2));
    FetchTransport transport = http.newFetch(new RegistryEndpoint("x", "example.invalid", false, false), Deadline.after(Duration.ofSeconds(5)));
    HttpTransport insecure = transport.insecureTransport();

    assertThatThrownBy(() -> insecure.createRequestFactory().buildGetRequest(new com.google.api.client.http.GenericUrl("https://example.invalid/v2/")).execute())
        .isInstanceOf(TlsVerificationRequiredException.class)
        .isNotInstanceOf(javax.net.ssl.SSLException.class);
  }

  private static SSLContext defaultTls() {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
