package dev.imagegate.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.text.ExternalText;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Turns whatever a fetch threw or a registry answered into an {@link ImageFetchException}: a reason
 * and a short message a person can act on. Messages are composed here from status codes, exception types and the registry's
 * error text ({@code errors[0].message}, printable ASCII, at most 120 characters): never from an
 * exception's own message, never with a credential or a token.
 */
final class FetchErrors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHECK_CREDENTIALS = ": check the registry credentials";

  private FetchErrors() {}

  static ImageFetchException timeout(Deadline deadline) {
    return new ImageFetchException(ErrorReason.TIMEOUT, "timed out after " + deadline.describeBudget());
  }

  static ImageFetchException classify(Throwable error, Deadline deadline) {
    List<Throwable> chain = chain(error);
    ImageFetchException known = find(chain, ImageFetchException.class);
    if (known != null) {
      return known;
    }
    if (find(chain, LimitedBodySubscriber.ResponseTooLargeException.class) != null) {
      return new ImageFetchException(ErrorReason.INVALID, "registry response larger than "
          + find(chain, LimitedBodySubscriber.ResponseTooLargeException.class).limit() / (1024 * 1024) + " MiB");
    }
    ImageFetchException transport = transport(chain, deadline);
    if (transport != null) {
      if (find(chain, Authenticating.TokenServiceException.class) != null && transport.reason() != ErrorReason.TIMEOUT) {
        return new ImageFetchException(transport.reason(), "token service: " + transport.detail());
      }
      return transport;
    }
    if (find(chain, JsonProcessingException.class) != null) {
      return new ImageFetchException(ErrorReason.INVALID, "invalid manifest: not a Docker v2.2 or OCI manifest or index");
    }
    IOException io = find(chain, IOException.class);
    if (io != null) {
      String what = io.getClass().getSimpleName();
      return new ImageFetchException(ErrorReason.IO, isReset(chain) ? "connection reset by the registry" : "I/O error (" + what + ")");
    }
    return new ImageFetchException(ErrorReason.IO, "unexpected error (" + error.getClass().getSimpleName() + ")");
  }

  static ImageFetchException byStatus(int status, String body) {
    return byStatus(status, body, null);
  }

  /**
   * @param retryAfter the registry's {@code Retry-After} (for a 429 or 503 that was not retried), or null
   */
  static ImageFetchException byStatus(int status, String body, Duration retryAfter) {
    String registryMessage = registryMessage(body);
    return switch (status) {
      case 401 -> new ImageFetchException(ErrorReason.UNAUTHORIZED, "unauthorized (HTTP 401)" + CHECK_CREDENTIALS);
      case 403 -> new ImageFetchException(ErrorReason.UNAUTHORIZED, "denied (HTTP 403)" + CHECK_CREDENTIALS);
      case 404 -> new ImageFetchException(ErrorReason.NOT_FOUND, (registryMessage == null ? "not found" : registryMessage) + " (HTTP 404)");
      case 429 -> new ImageFetchException(ErrorReason.RATE_LIMITED, "too many requests (HTTP 429): the registry is rate limiting"
          + (retryAfter == null ? "" : " and asks to wait " + seconds(retryAfter) + ", more than the deadline left"));
      default -> status >= 500
          ? new ImageFetchException(ErrorReason.IO, "registry error (HTTP " + status + ")"
              + (status == 503 && retryAfter != null ? ": unavailable for " + seconds(retryAfter) + ", more than the deadline left" : ""))
          : new ImageFetchException(ErrorReason.INVALID, (registryMessage == null ? "request refused" : registryMessage) + " (HTTP " + status + ")");
    };
  }

  private static String seconds(Duration wait) {
    long millis = wait.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }

  /** TLS, timeouts and connection failures; null when the chain has none. */
  private static ImageFetchException transport(List<Throwable> chain, Deadline deadline) {
    SSLException tls = find(chain, SSLException.class);
    CertificateException certificate = find(chain, CertificateException.class);
    if (certificate != null) {
      String text = String.valueOf(certificate.getMessage()).toLowerCase(Locale.ROOT);
      if (text.contains("no subject alternative") || text.contains("no name matching")) {
        return new ImageFetchException(ErrorReason.TLS, "TLS certificate does not match the host name");
      }
      return new ImageFetchException(ErrorReason.TLS, "TLS certificate not trusted");
    }
    if (find(chain, CertPathValidatorException.class) != null) {
      return new ImageFetchException(ErrorReason.TLS, "TLS certificate not trusted");
    }
    if (tls != null) {
      String text = String.valueOf(tls.getMessage());
      if (text.contains("Unsupported or unrecognized SSL message")) {
        return new ImageFetchException(ErrorReason.TLS, "TLS handshake failed: the server does not speak TLS (plain-HTTP registries go under registries.insecure)");
      }
      return new ImageFetchException(ErrorReason.TLS, "TLS handshake failed");
    }
    if (deadline.expired()
        || find(chain, HttpTimeoutException.class) != null
        || find(chain, SocketTimeoutException.class) != null
        || find(chain, InterruptedIOException.class) != null
        || find(chain, TimeoutException.class) != null) {
      return timeout(deadline);
    }
    if (find(chain, UnknownHostException.class) != null) {
      return new ImageFetchException(ErrorReason.IO, "unknown host");
    }
    if (find(chain, NoRouteToHostException.class) != null) {
      return new ImageFetchException(ErrorReason.IO, "no route to host");
    }
    if (find(chain, ConnectException.class) != null) {
      return new ImageFetchException(ErrorReason.IO, "connection refused");
    }
    return null;
  }

  /** Whether the connection was reset or closed before a complete answer. */
  private static boolean isReset(List<Throwable> chain) {
    for (Throwable t : chain) {
      String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (text.contains("connection reset") || text.contains("received no bytes") || text.contains("eof reached") || text.contains("connection closed")) {
        return true;
      }
    }
    return false;
  }

  /** The registry's own error text ({@code {"errors":[{"message":"manifest unknown"}]}}), tidied; or null. */
  static String registryMessage(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      JsonNode first = JSON.readTree(body).path("errors").path(0);
      String text = first.path("message").asText("");
      if (text.isBlank()) {
        text = first.path("code").asText("").replace('_', ' ').toLowerCase(Locale.ROOT);
      }
      return ExternalText.registryMessage(text);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static List<Throwable> chain(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = error; t != null && !chain.contains(t) && chain.size() < 20; t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private static <T> T find(List<Throwable> chain, Class<T> type) {
    for (Throwable t : chain) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /** Class names of the chain, for debug logs (never messages). */
  static String describe(Throwable error) {
    List<String> names = new ArrayList<>();
    for (Throwable t : chain(error)) {
      names.add(t.getClass().getName());
    }
    return String.join(" <- ", names);
  }
}
