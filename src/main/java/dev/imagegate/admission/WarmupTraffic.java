package dev.imagegate.admission;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Synthetic admissions sent to this process's own webhook port, over HTTP/2 and HTTP/1.1 like the
 * apiserver's, so that the TLS, HTTP and REST layers get compiled along with reading and judging.
 * The client is Vert.x's: it runs on the same Netty code as the server (TLS, HTTP/2 frames), so
 * warming it warms the server rather than a second stack. The server's certificate is not checked:
 * the traffic goes to our own port and carries only the made-up reviews of the warm-up.
 */
final class WarmupTraffic {
  /** Requests in flight at once: enough to keep every event loop and the judging code busy. */
  private static final int IN_FLIGHT = 16;
  /** One admission in this many goes over HTTP/1.1, the rest over HTTP/2 (what kube-apiserver speaks). */
  private static final int HTTP1_EVERY = 4;

  private final URI uri;
  private final String header;
  private final String token;
  private final HttpClient http2;
  private final HttpClient http1;

  WarmupTraffic(Vertx vertx, URI uri, String header, String token) {
    this.uri = uri;
    this.header = header;
    this.token = token;
    this.http2 = vertx.createHttpClient(options(HttpVersion.HTTP_2));
    this.http1 = vertx.createHttpClient(options(HttpVersion.HTTP_1_1));
  }

  private static HttpClientOptions options(HttpVersion version) {
    return new HttpClientOptions().setProtocolVersion(version).setUseAlpn(true).setSsl(true).setTrustAll(true)
        .setVerifyHost(false).setConnectTimeout(1_000).setMaxPoolSize(2).setHttp2MaxPoolSize(2);
  }

  /** What was sent: answered admissions, of which denied, and failed requests. */
  record Sent(int admissions, int denied, int failed) {}

  /**
   * Waits for the port to accept (the server may still be starting), then sends up to {@code count}
   * admissions, the bodies taking turns, until the deadline ({@link System#nanoTime()}).
   */
  Sent send(List<byte[]> bodies, int count, long deadline) throws InterruptedException {
    try {
      if (!awaitPort(bodies.get(0), deadline)) {
        return new Sent(0, 0, 1);
      }
      Semaphore slots = new Semaphore(IN_FLIGHT);
      AtomicInteger admitted = new AtomicInteger();
      AtomicInteger denied = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      for (int i = 0; i < count; i++) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
          break;
        }
        post(i % HTTP1_EVERY == 0 ? http1 : http2, bodies.get(i % bodies.size())).onComplete(answer -> {
          if (answer.failed()) {
            failed.incrementAndGet();
          } else {
            admitted.incrementAndGet();
            if (answer.result().toString().contains("\"allowed\":false")) {
              denied.incrementAndGet();
            }
          }
          slots.release();
        });
      }
      // the answers still in flight, within the deadline
      long left = Math.max(0, deadline - System.nanoTime());
      if (slots.tryAcquire(IN_FLIGHT, left, TimeUnit.NANOSECONDS)) {
        slots.release(IN_FLIGHT);
      }
      return new Sent(admitted.get(), denied.get(), failed.get());
    } finally {
      http2.close();
      http1.close();
    }
  }

  /** The first request, retried until the server listens or the deadline passes. */
  private boolean awaitPort(byte[] body, long deadline) throws InterruptedException {
    while (System.nanoTime() < deadline) {
      try {
        post(http2, body).toCompletionStage().toCompletableFuture()
            .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        return true;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        Thread.sleep(50); // not listening yet
      }
    }
    return false;
  }

  /** One admission; fails unless answered 200. */
  private Future<Buffer> post(HttpClient client, byte[] body) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost(uri.getHost())
        .setPort(uri.getPort()).setURI(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()))
        .putHeader("Content-Type", "application/json").putHeader(header, token).setTimeout(5_000);
    return client.request(request)
        .compose(sent -> sent.send(Buffer.buffer(body)))
        .compose(response -> response.statusCode() == 200
            ? response.body()
            : Future.failedFuture("HTTP " + response.statusCode()));
  }
}
