package dev.imagegate.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * All registry traffic goes through here: JDK {@link HttpClient}s (HTTP/1.1, keep-alive pool, no
 * redirects of their own), one for the default trust and one per host with its own CA bundle,
 * shared by every fetch so connections are reused and the number of sockets stays flat however
 * many images are fetched.
 *
 * <p>At most {@code registries.maxConcurrentFetchesPerRegistry} requests are in flight to one
 * {@code host[:port]} at a time (so at most that many connections to it); a request waits for its
 * turn within its deadline. Each request's timeout is the time its deadline leaves, and its body
 * is read into memory up to a limit.
 */
final class RegistryHttp {
  /** Image configs, tokens and error bodies are small; anything larger is refused. */
  static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
  /** Registries need accept no manifest larger than 4 MiB (OCI distribution spec); neither do we. */
  static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
  /**
   * The largest image config blob read (configs of real images are a few KiB; tens of thousands of
   * history entries stay under 1 MiB): a bigger one is {@code image-unavailable}, never parsed.
   */
  static final int MAX_CONFIG_BYTES = 8 * 1024 * 1024;

  /** One answer, fully read. */
  record Response(URI uri, int status, HttpHeaders headers, byte[] body) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  private final HttpClient defaultClient;
  private final Map<String, HttpClient> perHost = new HashMap<>();
  private final int maxPerHost;
  private final Cache<String, Semaphore> slots = Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofMinutes(10)).build();

  RegistryHttp(SSLContext tls, Duration connectTimeout) {
    this(tls, Map.of(), connectTimeout, Integer.MAX_VALUE);
  }

  /**
   * @param tls trust for every host without a bundle of its own
   * @param perHostTls {@code host[:port]} (lower case) → trust for that host
   * @param maxPerHost requests in flight to one host at most
   */
  RegistryHttp(SSLContext tls, Map<String, SSLContext> perHostTls, Duration connectTimeout, int maxPerHost) {
    this.defaultClient = client(tls, connectTimeout);
    perHostTls.forEach((host, context) -> perHost.put(host, client(context, connectTimeout)));
    this.maxPerHost = maxPerHost;
  }

  private static HttpClient client(SSLContext tls, Duration connectTimeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        // Redirects are followed by us: only for GET/HEAD, never to plain HTTP, without the
        // Authorization header when the host changes.
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .sslContext(tls)
        .build();
  }

  /** The client for a URL: the host's own trust ({@code host:port}, else {@code host}), else the default. */
  HttpClient clientFor(URI uri) {
    if (!perHost.isEmpty()) {
      String authority = authority(uri);
      HttpClient client = perHost.get(authority);
      if (client == null && uri.getHost() != null) {
        client = perHost.get(uri.getHost().toLowerCase(Locale.ROOT));
      }
      if (client != null) {
        return client;
      }
    }
    return defaultClient;
  }

  /**
   * Sends one request and reads the whole answer (a HEAD has none).
   *
   * @param maxBytes the most body bytes accepted; a larger body fails with {@link LimitedBodySubscriber.ResponseTooLargeException}
   * @throws HttpTimeoutException when the deadline passes before the answer is complete, or
   *     before a slot for the host is free
   */
  Response send(HttpRequest.Builder request, URI uri, String method, Deadline deadline, int maxBytes) throws IOException {
    Semaphore slot = slots.get(authority(uri), key -> new Semaphore(maxPerHost));
    acquire(slot, deadline);
    try {
      Duration timeout = remaining(deadline);
      HttpRequest built = request.uri(uri).timeout(timeout).method(method, HttpRequest.BodyPublishers.noBody()).build();
      return exchange(clientFor(uri), built, uri, timeout, maxBytes);
    } finally {
      slot.release();
    }
  }

  /** Sends a request whose body and method are already set (token requests). */
  Response send(HttpRequest.Builder request, URI uri, Deadline deadline, int maxBytes) throws IOException {
    Semaphore slot = slots.get(authority(uri), key -> new Semaphore(maxPerHost));
    acquire(slot, deadline);
    try {
      Duration timeout = remaining(deadline);
      return exchange(clientFor(uri), request.uri(uri).timeout(timeout).build(), uri, timeout, maxBytes);
    } finally {
      slot.release();
    }
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

  private static void acquire(Semaphore slot, Deadline deadline) throws IOException {
    try {
      if (!slot.tryAcquire(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS)) {
        throw new HttpTimeoutException("deadline reached while waiting for a free connection to the registry");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a free connection to the registry");
    }
  }

  private static Duration remaining(Deadline deadline) throws HttpTimeoutException {
    Duration remaining = deadline.remaining();
    if (remaining.isZero()) {
      throw new HttpTimeoutException("deadline reached before the request was sent");
    }
    return remaining;
  }

  /** Requests waiting for or holding a slot to {@code host[:port]} right now (for tests). */
  int inFlight(String authority) {
    Semaphore slot = slots.getIfPresent(authority.toLowerCase(Locale.ROOT));
    return slot == null ? 0 : maxPerHost - slot.availablePermits();
  }

  static String authority(URI uri) {
    String authority = uri.getRawAuthority();
    return authority == null ? "" : authority.toLowerCase(Locale.ROOT);
  }
}
