package dev.imagegate.registry;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The one HTTP client all registry traffic goes through: a JDK {@link HttpClient} (HTTP/1.1,
 * keep-alive pool, no redirects of its own), shared by every fetch so connections are reused and
 * the number of sockets stays flat however many images are fetched.
 *
 * <p>A per-endpoint trust configuration (custom CA for one registry) is meant to live here: keep a
 * client per distinct {@link SSLContext} and pick it in {@link #clientFor(URI)}.
 */
final class RegistryHttp {
  /** Manifests, image configs, tokens and error bodies are small; anything larger is refused. */
  static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

  private final HttpClient client;
  private final int maxResponseBytes;

  RegistryHttp(SSLContext tls, Duration connectTimeout) {
    this(tls, connectTimeout, MAX_RESPONSE_BYTES);
  }

  RegistryHttp(SSLContext tls, Duration connectTimeout, int maxResponseBytes) {
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            // google-http-client follows redirects itself (and drops Authorization on the way).
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(connectTimeout)
            .sslContext(tls)
            .build();
    this.maxResponseBytes = maxResponseBytes;
  }

  /** The client for a request URL; one for all today. */
  HttpClient clientFor(URI uri) {
    return client;
  }

  int maxResponseBytes() {
    return maxResponseBytes;
  }

  /** A transport for one image fetch, bounded by its deadline. */
  FetchTransport newFetch(RegistryEndpoint endpoint, Deadline deadline) {
    return new FetchTransport(this, deadline, endpoint.plainHttp() ? endpoint.host() : null);
  }
}
