package dev.imagegate.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Each layer of the registry client on its own, over a scripted layer below it. */
class TransportLayersTest {
  private static final URI MANIFEST = URI.create("https://registry.example.com/v2/app/manifests/1.0");

  private static FetchContext context(Duration timeout, int retries) {
    return new FetchContext("registry.example.com", new RegistryEndpoint("registry.example.com", "registry.example.com", false, false),
        "app", Principal.ANONYMOUS, Deadline.after(timeout), new RetryBudget(retries));
  }

  private static RegistryHttp.Response response(RegistryRequest request, int status, Map<String, List<String>> headers) {
    return new RegistryHttp.Response(request.uri(), status, HttpHeaders.of(headers, (a, b) -> true), new byte[0]);
  }

  @Test
  void permitsHoldARequestUntilASlotForItsHostIsFree() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Permits permits = new Permits((ctx, request) -> {
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return response(request, 200, Map.of());
    }, 1);
    CompletableFuture<RegistryHttp.Response> first = CompletableFuture.supplyAsync(() -> {
      try {
        return permits.send(context(Duration.ofSeconds(5), 0), RegistryRequest.get(MANIFEST, null, 100));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    while (permits.inFlight("registry.example.com") == 0) {
      Thread.onSpinWait();
    }

    assertThatThrownBy(() -> permits.send(context(Duration.ofMillis(200), 0), RegistryRequest.get(MANIFEST, null, 100)))
        .isInstanceOf(HttpTimeoutException.class)
        .hasMessageContaining("waiting for a free connection");
    release.countDown();
    assertThat(first.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(permits.inFlight("registry.example.com")).isZero();
  }

  @Test
  void retriesSpendTheBudgetThenAnswerWithTheLastResponse() throws Exception {
    List<Integer> statuses = new ArrayList<>(List.of(503, 502, 500, 200));
    Retrying retrying = new Retrying((ctx, request) -> response(request, statuses.remove(0), Map.of("Retry-After", List.of("0"))),
        new RegistryMetrics(new SimpleMeterRegistry()));

    assertThat(retrying.send(context(Duration.ofSeconds(5), 2), RegistryRequest.get(MANIFEST, null, 100)).status()).isEqualTo(500);
    assertThat(statuses).containsExactly(200);
  }

  @Test
  void aRetryAfterLongerThanTheDeadlineIsNotWaitedFor() throws Exception {
    int[] sent = {0};
    Retrying retrying = new Retrying((ctx, request) -> {
      sent[0]++;
      return response(request, 429, Map.of("Retry-After", List.of("30")));
    }, new RegistryMetrics(new SimpleMeterRegistry()));

    assertThat(retrying.send(context(Duration.ofSeconds(2), 3), RegistryRequest.get(MANIFEST, null, 100)).status()).isEqualTo(429);
    assertThat(sent[0]).isEqualTo(1);
  }

  @Test
  void redirectsToAnotherHostGoWithoutTheAuthorizationHeader() throws Exception {
    List<RegistryRequest> seen = new ArrayList<>();
    Redirects redirects = new Redirects((ctx, request) -> {
      seen.add(request);
      return request.uri().getHost().equals("registry.example.com")
          ? response(request, 307, Map.of("Location", List.of("https://cdn.example.net/blob?sig=1")))
          : response(request, 200, Map.of());
    });

    redirects.send(context(Duration.ofSeconds(5), 0), RegistryRequest.get(MANIFEST, null, 100).withAuthorization("Bearer t"));

    assertThat(seen).extracting(RegistryRequest::authorization).containsExactly("Bearer t", null);
    assertThat(seen.get(1).uri()).hasToString("https://cdn.example.net/blob?sig=1");
  }

  @Test
  void aRedirectFromHttpsToPlainHttpIsRefused() {
    Redirects redirects = new Redirects((ctx, request) -> response(request, 302, Map.of("Location", List.of("http://cdn.example.net/blob"))));

    assertThatThrownBy(() -> redirects.send(context(Duration.ofSeconds(5), 0), RegistryRequest.get(MANIFEST, null, 100)))
        .isInstanceOf(ImageFetchException.class)
        .hasMessage("refused a redirect from HTTPS to plain HTTP")
        .extracting(e -> ((ImageFetchException) e).reason()).isEqualTo(ErrorReason.TLS);
  }

  @Test
  void aRequestNeverPrintsItsAuthorization() {
    assertThat(RegistryRequest.get(MANIFEST, null, 100).withAuthorization("Basic c2VjcmV0")).hasToString("GET " + MANIFEST);
  }
}
