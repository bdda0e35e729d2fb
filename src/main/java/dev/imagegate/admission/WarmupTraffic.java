package dev.imagegate.admission;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Synthetic admissions sent to this process's own webhook port, over HTTP/2 and HTTP/1.1 like the
 * apiserver's, so that the TLS, HTTP and REST layers get compiled along with reading and judging.
 * The server's certificate is not checked: the traffic goes to our own loopback port and carries
 * only the made-up reviews of the warm-up.
 */
final class WarmupTraffic {
  /** Streams in flight at once: enough to keep every event loop and the judging code busy. */
  private static final int IN_FLIGHT = 8;
  /** One admission in this many goes over HTTP/1.1, the rest over HTTP/2 (what kube-apiserver speaks). */
  private static final int HTTP1_EVERY = 4;

  private final URI uri;
  private final String header;
  private final String token;
  private final HttpClient http2;
  private final HttpClient http1;

  WarmupTraffic(URI uri, String header, String token) {
    this.uri = uri;
    this.header = header;
    this.token = token;
    SSLContext tls = trustingOwnPort();
    this.http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(tls)
        .connectTimeout(Duration.ofSeconds(1)).build();
    this.http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls)
        .connectTimeout(Duration.ofSeconds(1)).build();
  }

  /** What was sent: answered admissions, of which denied, and failed requests. */
  record Sent(int admissions, int denied, int failed) {}

  /**
   * Waits for the port to accept (the server may still be starting), then sends up to {@code count}
   * admissions, the bodies taking turns, until the deadline ({@link System#nanoTime()}).
   */
  Sent send(List<byte[]> bodies, int count, long deadline) throws InterruptedException {
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
      HttpClient client = i % HTTP1_EVERY == 0 ? http1 : http2;
      client.sendAsync(request(bodies.get(i % bodies.size())), HttpResponse.BodyHandlers.ofString())
          .whenComplete((response, error) -> {
            if (error != null || response.statusCode() != 200) {
              failed.incrementAndGet();
            } else {
              admitted.incrementAndGet();
              if (response.body().contains("\"allowed\":false")) {
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
  }

  /** The first request, retried until the server listens or the deadline passes. */
  private boolean awaitPort(byte[] body, long deadline) throws InterruptedException {
    while (System.nanoTime() < deadline) {
      try {
        if (http2.send(request(body), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    return false;
  }

  private HttpRequest request(byte[] body) {
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
        .header(header, token).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  private static SSLContext trustingOwnPort() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new X509ExtendedTrustManager[] {new OwnPort()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS for the warm-up", e);
    }
  }

  /** Accepts the certificate of our own port, whatever it is (self-signed, any name). */
  private static final class OwnPort extends X509ExtendedTrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
