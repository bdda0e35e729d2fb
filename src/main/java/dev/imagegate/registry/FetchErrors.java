package dev.imagegate.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.http.HttpResponseException;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.http.ResponseException;
import com.google.cloud.tools.jib.image.json.UnknownManifestFormatException;
import com.google.cloud.tools.jib.registry.RegistryCredentialsNotSentException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Turns whatever a fetch threw into a reason and a short message a person can act on. Messages are
 * composed here from status codes, exception types and the registry's error code text: never from
 * jib-core's own messages, which may carry token request parameters.
 */
final class FetchErrors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHECK_CREDENTIALS = ": check the registry credentials";

  /** A classified failure. */
  record Classified(ErrorReason reason, String message) {}

  private FetchErrors() {}

  static Classified timeout(Deadline deadline) {
    return new Classified(ErrorReason.TIMEOUT, "timed out after " + deadline.describeBudget());
  }

  static Classified classify(Throwable error, Deadline deadline) {
    List<Throwable> chain = chain(error);
    FetchProblem problem = find(chain, FetchProblem.class);
    if (problem != null) {
      return new Classified(problem.reason(), problem.getMessage());
    }
    if (find(chain, RegistryCredentialsNotSentException.class) != null) {
      return new Classified(ErrorReason.UNAUTHORIZED, "unauthorized: credentials are not sent over plain HTTP" + CHECK_CREDENTIALS);
    }
    RegistryAuthenticationFailedException authFailed = find(chain, RegistryAuthenticationFailedException.class);
    if (authFailed != null) {
      return tokenServiceFailure(authFailed, deadline);
    }
    RegistryUnauthorizedException unauthorized = find(chain, RegistryUnauthorizedException.class);
    if (unauthorized != null && unauthorized.getHttpResponseException() != null) {
      return byStatus(unauthorized.getHttpResponseException().getStatusCode(), unauthorized.getHttpResponseException().getContent());
    }
    Classified http = httpStatus(chain);
    if (http != null) {
      return http;
    }
    Classified transport = transport(chain, deadline);
    if (transport != null) {
      return transport;
    }
    if (find(chain, UnknownManifestFormatException.class) != null || find(chain, JsonProcessingException.class) != null) {
      return new Classified(ErrorReason.INVALID, "invalid manifest: not a Docker v2.2 or OCI manifest or index");
    }
    if (chain.stream().anyMatch(t -> t.getClass().getSimpleName().equals("UnexpectedBlobDigestException"))) { // not public
      return new Classified(ErrorReason.INVALID, "the registry sent a blob whose digest does not match");
    }
    if (find(chain, LimitedBodySubscriber.ResponseTooLargeException.class) != null) {
      return new Classified(ErrorReason.INVALID, "registry response larger than " + RegistryHttp.MAX_RESPONSE_BYTES / (1024 * 1024) + " MiB");
    }
    if (find(chain, IOException.class) != null) {
      return new Classified(ErrorReason.IO, "I/O error (" + find(chain, IOException.class).getClass().getSimpleName() + ")");
    }
    return new Classified(ErrorReason.IO, "unexpected error (" + error.getClass().getSimpleName() + ")");
  }

  private static Classified tokenServiceFailure(RegistryAuthenticationFailedException failure, Deadline deadline) {
    List<Throwable> chain = chain(failure.getCause());
    Integer status = status(chain);
    if (status != null && (status == 401 || status == 403)) {
      return new Classified(ErrorReason.UNAUTHORIZED, "unauthorized (HTTP " + status + " from the token service)" + CHECK_CREDENTIALS);
    }
    if (status != null) {
      return new Classified(ErrorReason.IO, "token service error (HTTP " + status + ")");
    }
    Classified transport = failure.getCause() == null ? null : transport(chain, deadline);
    if (transport != null) {
      return new Classified(transport.reason(), "token service: " + transport.message());
    }
    return new Classified(ErrorReason.UNAUTHORIZED, "authentication failed: the registry's token service gave no usable token");
  }

  private static Classified httpStatus(List<Throwable> chain) {
    for (Throwable t : chain) {
      if (t instanceof ResponseException response) {
        return byStatus(response.getStatusCode(), response.getContent());
      }
      if (t instanceof HttpResponseException response) {
        return byStatus(response.getStatusCode(), response.getContent());
      }
    }
    return null;
  }

  private static Integer status(List<Throwable> chain) {
    for (Throwable t : chain) {
      if (t instanceof ResponseException response) {
        return response.getStatusCode();
      }
      if (t instanceof HttpResponseException response) {
        return response.getStatusCode();
      }
    }
    return null;
  }

  static Classified byStatus(int status, String body) {
    String registryMessage = registryMessage(body);
    return switch (status) {
      case 401 -> new Classified(ErrorReason.UNAUTHORIZED, "unauthorized (HTTP 401)" + CHECK_CREDENTIALS);
      case 403 -> new Classified(ErrorReason.UNAUTHORIZED, "denied (HTTP 403)" + CHECK_CREDENTIALS);
      case 404 -> new Classified(ErrorReason.NOT_FOUND, (registryMessage == null ? "not found" : registryMessage) + " (HTTP 404)");
      case 429 -> new Classified(ErrorReason.IO, "too many requests (HTTP 429): the registry is rate limiting");
      default -> status >= 500
          ? new Classified(ErrorReason.IO, "registry error (HTTP " + status + ")")
          : new Classified(ErrorReason.INVALID, (registryMessage == null ? "request refused" : registryMessage) + " (HTTP " + status + ")");
    };
  }

  /** TLS, timeouts and connection failures; null when the chain has none. */
  private static Classified transport(List<Throwable> chain, Deadline deadline) {
    PlainHttpRefusedException downgrade = find(chain, PlainHttpRefusedException.class);
    if (downgrade != null) {
      return new Classified(ErrorReason.TLS, downgrade.getMessage());
    }
    SSLException tls = find(chain, SSLException.class);
    if (tls != null && tls.getMessage() != null && tls.getMessage().startsWith("insecure HTTP connection not allowed")) {
      return new Classified(ErrorReason.TLS, "refused a plain-HTTP URL: this registry is reached over HTTPS (see registries.insecure)");
    }
    CertificateException certificate = find(chain, CertificateException.class);
    if (certificate != null) {
      String text = String.valueOf(certificate.getMessage()).toLowerCase(Locale.ROOT);
      if (text.contains("no subject alternative") || text.contains("no name matching")) {
        return new Classified(ErrorReason.TLS, "TLS certificate does not match the host name");
      }
      return new Classified(ErrorReason.TLS, "TLS certificate not trusted");
    }
    if (find(chain, CertPathValidatorException.class) != null) {
      return new Classified(ErrorReason.TLS, "TLS certificate not trusted");
    }
    if (tls != null || find(chain, TlsVerificationRequiredException.class) != null) {
      String text = tls == null ? "" : String.valueOf(tls.getMessage());
      if (text.contains("Unsupported or unrecognized SSL message")) {
        return new Classified(ErrorReason.TLS, "TLS handshake failed: the server does not speak TLS (plain-HTTP registries go under registries.insecure)");
      }
      return new Classified(ErrorReason.TLS, "TLS handshake failed");
    }
    if (deadline.expired()
        || find(chain, HttpTimeoutException.class) != null
        || find(chain, SocketTimeoutException.class) != null
        || find(chain, InterruptedIOException.class) != null
        || find(chain, TimeoutException.class) != null) {
      return timeout(deadline);
    }
    if (find(chain, UnknownHostException.class) != null) {
      return new Classified(ErrorReason.IO, "unknown host");
    }
    if (find(chain, NoRouteToHostException.class) != null) {
      return new Classified(ErrorReason.IO, "no route to host");
    }
    if (find(chain, ConnectException.class) != null) {
      return new Classified(ErrorReason.IO, "connection refused");
    }
    return null;
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
      text = text.replaceAll("[^\\x20-\\x7e]", " ").replaceAll("\\s+", " ").trim();
      if (text.isEmpty()) {
        return null;
      }
      return text.length() > 120 ? text.substring(0, 120) + "..." : text;
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

  /** Class names of the chain, for debug logs (never messages: jib-core's may carry token parameters). */
  static String describe(Throwable error) {
    List<String> names = new ArrayList<>();
    for (Throwable t : chain(error)) {
      names.add(t.getClass().getName());
    }
    return String.join(" <- ", names);
  }
}
