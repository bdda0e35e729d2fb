package dev.imagegate.registry;

import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import com.google.api.client.util.StreamingContent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** One google-http-client request sent with the JDK client; the request body is buffered. */
final class JdkHttpRequest extends LowLevelHttpRequest {
  /** Headers the JDK client sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "keep-alive", "transfer-encoding", "te", "trailer");

  private final FetchTransport transport;
  private final HttpClient client;
  private final String method;
  private final URI uri;
  private final List<String[]> headers = new ArrayList<>();
  private int readTimeoutMillis;

  JdkHttpRequest(FetchTransport transport, HttpClient client, String method, URI uri) {
    this.transport = transport;
    this.client = client;
    this.method = method;
    this.uri = uri;
  }

  @Override
  public void addHeader(String name, String value) {
    if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
      headers.add(new String[] {name, value});
    }
  }

  @Override
  public void setTimeout(int connectTimeout, int readTimeout) {
    this.readTimeoutMillis = readTimeout;
  }

  @Override
  public LowLevelHttpResponse execute() throws IOException {
    Duration timeout = transport.requestTimeout(readTimeoutMillis);
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout).method(method, body());
    for (String[] header : headers) {
      try {
        builder.header(header[0], header[1]);
      } catch (IllegalArgumentException restricted) {
        // another header the JDK client manages itself
      }
    }
    if (getStreamingContent() != null) {
      if (getContentType() != null) {
        builder.setHeader("Content-Type", getContentType());
      }
      if (getContentEncoding() != null) {
        builder.setHeader("Content-Encoding", getContentEncoding());
      }
    }
    CompletableFuture<HttpResponse<byte[]>> exchange =
        client.sendAsync(builder.build(), LimitedBodySubscriber.handler(transport.maxResponseBytes()));
    try {
      // The request timeout covers the response headers; this one covers the body too.
      return new JdkHttpResponse(exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new HttpTimeoutException("no complete response within " + timeout.toMillis() + "ms");
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the registry");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SSLException tls) {
        transport.tlsFailed(tls);
        throw tls;
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException("request failed", cause);
    }
  }

  private HttpRequest.BodyPublisher body() throws IOException {
    StreamingContent content = getStreamingContent();
    if (content == null) {
      return HttpRequest.BodyPublishers.noBody();
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    content.writeTo(buffer);
    return HttpRequest.BodyPublishers.ofByteArray(buffer.toByteArray());
  }
}
