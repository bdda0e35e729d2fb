package dev.imagegate.registry;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * The bottom of the registry client: the one place a request goes on the wire. JDK
 * {@link HttpClient}s (HTTP/1.1, keep-alive pool, no redirects of their own), one for the default
 * trust and one per host with its own CA bundle, shared by every fetch so connections are reused
 * and the number of sockets stays flat however many images are fetched.
 *
 * <p>Each request's timeout is the time its deadline leaves, and its body is read into memory up
 * to the request's limit. How many requests go to one host at once is {@link Permits}' concern.
 */
final class RegistryHttp implements Transport {
  static final String USER_AGENT = "imagegate";
  /** Registries need accept no manifest larger than 4 MiB (OCI distribution spec); neither do we. */
  static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
  /**
   * The largest image config blob read (configs of real images are a few KiB; tens of thousands of
   * history entries stay under 1 MiB): a bigger one is {@code image-unavailable}, never parsed.
   */
  static final int MAX_CONFIG_BYTES = 8 * 1024 * 1024;
  /** Token answers are a few KiB. */
  static final int MAX_TOKEN_BYTES = 1024 * 1024;

  /** One answer, fully read. */
  record Response(URI uri, int status, HttpHeaders headers, byte[] body) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  private final HttpClient defaultClient;
  private final Map<String, HttpClient> perHost = new HashMap<>();

  /**
   * @param tls trust for every host without a bundle of its own
   * @param perHostTls {@code host[:port]} (lower case) → trust for that host
   */
  RegistryHttp(SSLContext tls, Map<String, SSLContext> perHostTls, Duration connectTimeout) {
    this.defaultClient = client(tls, connectTimeout);
    perHostTls.forEach((host, context) -> perHost.put(host, client(context, connectTimeout)));
  }

  private static HttpClient client(SSLContext tls, Duration connectTimeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        // Redirects are followed by Redirects: only for GET/HEAD, never to plain HTTP, without the
        // Authorization header when the host changes.
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .sslContext(tls)
        .build();
  }

  /** The client for a URL: the host's own trust ({@code host:port}, else {@code host}), else the default. */
  HttpClient clientFor(URI uri) {
    if (!perHost.isEmpty()) {
      HttpClient client = perHost.get(authority(uri));
      if (client == null && uri.getHost() != null) {
        client = perHost.get(uri.getHost().toLowerCase(Locale.ROOT));
      }
      if (client != null) {
        return client;
      }
    }
    return defaultClient;
  }

  @Override
  public Response send(FetchContext ctx, RegistryRequest request) throws IOException {
    return send(request, ctx.deadline());
  }

  /**
   * Sends one request and reads the whole answer (a HEAD has none).
   *
   * @throws LimitedBodySubscriber.ResponseTooLargeException when the body is larger than the request's limit
   * @throws HttpTimeoutException when the deadline passes before the answer is complete
   */
  Response send(RegistryRequest request, Deadline deadline) throws IOException {
    Duration timeout = deadline.remaining();
    if (timeout.isZero()) {
      throw new HttpTimeoutException("deadline reached before the request was sent");
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).timeout(timeout).header("User-Agent", USER_AGENT);
    if (request.accept() != null) {
      builder.header("Accept", request.accept());
    }
    if (request.authorization() != null) {
      builder.header("Authorization", request.authorization());
    }
    if (request.form() != null) {
      builder.header("Content-Type", "application/x-www-form-urlencoded")
          .method(request.method(), HttpRequest.BodyPublishers.ofString(request.form()));
    } else {
      builder.method(request.method(), HttpRequest.BodyPublishers.noBody());
    }
    return exchange(clientFor(request.uri()), builder.build(), request.uri(), timeout, request.maxBytes());
  }

  private static Response exchange(HttpClient client, HttpRequest request, URI uri, Duration timeout, int maxBytes) throws IOException {
    CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request, LimitedBodySubscriber.handler(maxBytes));
    try {
      // The request timeout covers the response headers; this one covers the body too.
      HttpResponse<byte[]> response = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      byte[] body = response.body() == null ? new byte[0] : response.body();
      return new Response(uri, response.statusCode(), response.headers(), body);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new HttpTimeoutException("no complete response within " + timeout.toMillis() + "ms");
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the registry");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException("request failed", cause);
    }
  }

  static String authority(URI uri) {
    String authority = uri.getRawAuthority();
    return authority == null ? "" : authority.toLowerCase(Locale.ROOT);
  }
}
