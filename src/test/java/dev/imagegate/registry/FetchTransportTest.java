package dev.imagegate.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpResponse;
import dev.imagegate.testing.TestCa;
import java.net.http.HttpTimeoutException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

class FetchTransportTest {
  private static RegistryHttp http(int maxResponseBytes) {
    try {
      return new RegistryHttp(SSLContext.getDefault(), Duration.ofSeconds(2), maxResponseBytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse get(FetchTransport transport, String url) throws Exception {
    return transport.createRequestFactory().buildGetRequest(new GenericUrl(url)).execute();
  }

  @Test
  void httpsUrlsOfAPlainHttpEndpointAreSentOverHttp() throws Exception {
    try (LoopbackHttpServer server = new LoopbackHttpServer("{\"ok\":true}")) {
      FetchTransport transport = http(1024).newFetch(new RegistryEndpoint("r", server.hostPort(), true, false), Deadline.after(Duration.ofSeconds(5)));

      HttpResponse response = get(transport, "https://" + server.hostPort() + "/v2/x/manifests/1?a=b");

      assertThat(response.parseAsString()).isEqualTo("{\"ok\":true}");
      assertThat(server.paths()).containsExactly("/v2/x/manifests/1?a=b");
    }
  }

  @Test
  void headersTheJdkClientManagesAreLeftToIt() throws Exception {
    try (LoopbackHttpServer server = new LoopbackHttpServer("{}")) {
      FetchTransport transport = http(1024).newFetch(new RegistryEndpoint("r", server.hostPort(), true, false), Deadline.after(Duration.ofSeconds(5)));
      HttpHeaders headers = new HttpHeaders().set("Host", "evil.example").set("Connection", "close").set("Upgrade", "h2c");

      transport.createRequestFactory().buildGetRequest(new GenericUrl("http://" + server.hostPort() + "/v2/")).setHeaders(headers).execute();

      assertThat(server.hostHeaders()).containsExactly(server.hostPort());
    }
  }

  @Test
  void aHostFirstTriedOverHttpsIsNeverRetriedOverPlainHttp() throws Exception {
    SSLContext untrusted = TestCa.create("untrusted").issueServer().serverContext();
    try (LoopbackHttpServer plain = new LoopbackHttpServer("{}"); LoopbackHttpServer other = new LoopbackHttpServer("{}", untrusted)) {
      FetchTransport transport = http(1024).newFetch(new RegistryEndpoint("r", plain.hostPort(), true, false), Deadline.after(Duration.ofSeconds(5)));

      assertThatThrownBy(() -> get(transport, "https://" + other.hostPort() + "/token")).isInstanceOf(SSLException.class);
      assertThatThrownBy(() -> get(transport, "http://" + other.hostPort() + "/token")).isInstanceOf(PlainHttpRefusedException.class);
      assertThat(other.paths()).isEmpty();
    }
  }

  @Test
  void noRequestIsSentOnceTheDeadlineHasPassed() throws Exception {
    try (LoopbackHttpServer server = new LoopbackHttpServer("{}")) {
      FetchTransport transport = http(1024).newFetch(new RegistryEndpoint("r", server.hostPort(), true, false), Deadline.after(Duration.ZERO));

      assertThatThrownBy(() -> get(transport, "https://" + server.hostPort() + "/v2/")).isInstanceOf(HttpTimeoutException.class);
      assertThat(server.paths()).isEmpty();
    }
  }

  @Test
  void oversizedResponsesAreRefused() throws Exception {
    try (LoopbackHttpServer server = new LoopbackHttpServer("x".repeat(5000))) {
      FetchTransport transport = http(1000).newFetch(new RegistryEndpoint("r", server.hostPort(), true, false), Deadline.after(Duration.ofSeconds(5)));

      assertThatThrownBy(() -> get(transport, "http://" + server.hostPort() + "/v2/"))
          .isInstanceOf(LimitedBodySubscriber.ResponseTooLargeException.class);
    }
  }
}
