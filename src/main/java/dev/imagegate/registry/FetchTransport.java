package dev.imagegate.registry;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.LowLevelHttpRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * The google-http-client transport jib-core sees during one image fetch. It is cheap (no sockets
 * of its own): every request goes through the shared {@link RegistryHttp} client, with a timeout
 * no later than the fetch's deadline.
 *
 * <p>For a plain-HTTP endpoint, jib-core still builds {@code https://HOST:PORT/v2/...} URLs; this
 * transport rewrites exactly that authority to {@code http://}, so no TLS handshake is wasted on
 * it. It also refuses what jib-core's failover would otherwise do: retry a failed TLS handshake
 * with certificate checks off, or retry an HTTPS host over plain HTTP.
 */
final class FetchTransport extends HttpTransport {
  private final RegistryHttp http;
  private final Deadline deadline;
  /** {@code host[:port]} of the plain-HTTP endpoint of this fetch, or null. */
  private final String plainHttpAuthority;
  private final Set<String> httpsAuthorities = ConcurrentHashMap.newKeySet();
  private volatile SSLException lastTlsFailure;

  FetchTransport(RegistryHttp http, Deadline deadline, String plainHttpAuthority) {
    this.http = http;
    this.deadline = deadline;
    this.plainHttpAuthority = plainHttpAuthority == null ? null : plainHttpAuthority.toLowerCase(Locale.ROOT);
  }

  @Override
  protected LowLevelHttpRequest buildRequest(String method, String url) throws IOException {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IOException("malformed URL from the registry", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority().toLowerCase(Locale.ROOT);
    if (scheme.equals("https") && authority.equals(plainHttpAuthority)) {
      uri = URI.create("http" + url.substring(url.indexOf(':')));
    } else if (scheme.equals("https")) {
      httpsAuthorities.add(authority);
    } else if (scheme.equals("http") && !authority.equals(plainHttpAuthority) && httpsAuthorities.contains(authority)) {
      // jib-core's failover retrying an HTTPS host over plain HTTP.
      throw new PlainHttpRefusedException(authority);
    } else if (!scheme.equals("http")) {
      throw new IOException("unsupported URL scheme from the registry: " + scheme);
    }
    return new JdkHttpRequest(this, http.clientFor(uri), method, uri);
  }

  @Override
  public boolean supportsMethod(String method) {
    return true;
  }

  /** Nothing to release: the connection pool is shared and outlives this fetch. */
  @Override
  public void shutdown() {}

  /** What jib-core gets when it asks for a transport that skips certificate checks: a refusal. */
  HttpTransport insecureTransport() {
    return new HttpTransport() {
      @Override
      protected LowLevelHttpRequest buildRequest(String method, String url) throws IOException {
        throw new TlsVerificationRequiredException(lastTlsFailure);
      }
    };
  }

  /** Timeout for one request: jib's read timeout, but never past the deadline. */
  Duration requestTimeout(int readTimeoutMillis) throws HttpTimeoutException {
    Duration remaining = deadline.remaining();
    if (remaining.isZero()) {
      throw new HttpTimeoutException("deadline reached before the request was sent");
    }
    if (readTimeoutMillis > 0 && Duration.ofMillis(readTimeoutMillis).compareTo(remaining) < 0) {
      return Duration.ofMillis(readTimeoutMillis);
    }
    return remaining;
  }

  int maxResponseBytes() {
    return http.maxResponseBytes();
  }

  void tlsFailed(SSLException failure) {
    lastTlsFailure = failure;
  }
}
