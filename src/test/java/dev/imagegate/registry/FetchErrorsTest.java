package dev.imagegate.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class FetchErrorsTest {
  private static final Deadline LATER = Deadline.after(Duration.ofMinutes(1));

  @Test
  void statusCodesBecomeReasons() {
    assertThat(FetchErrors.byStatus(404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}"))
        .extracting(ImageFetchException::reason, Throwable::getMessage).containsExactly(ErrorReason.NOT_FOUND, "manifest unknown (HTTP 404)");
    assertThat(FetchErrors.byStatus(404, null)).extracting(ImageFetchException::reason, Throwable::getMessage).containsExactly(ErrorReason.NOT_FOUND, "not found (HTTP 404)");
    assertThat(FetchErrors.byStatus(401, "{}").getMessage()).isEqualTo("unauthorized (HTTP 401): check the registry credentials");
    assertThat(FetchErrors.byStatus(403, "{}").reason()).isEqualTo(ErrorReason.UNAUTHORIZED);
    assertThat(FetchErrors.byStatus(429, null).reason()).isEqualTo(ErrorReason.RATE_LIMITED);
    assertThat(FetchErrors.byStatus(503, "<html>oops</html>").getMessage()).isEqualTo("registry error (HTTP 503)");
    assertThat(FetchErrors.byStatus(400, "{\"errors\":[{\"code\":\"TAG_INVALID\"}]}").getMessage()).isEqualTo("tag invalid (HTTP 400)");
  }

  @Test
  void registryTextIsTidiedAndBounded() {
    String body = "{\"errors\":[{\"code\":\"X\",\"message\":\"line one\\nline\\u0007two " + "y".repeat(300) + "\"}]}";

    String message = FetchErrors.registryMessage(body);

    assertThat(message).startsWith("line one line two yyy").endsWith("...").hasSizeLessThanOrEqualTo(123);
  }

  @Test
  void transportFailuresBecomeReasons() {
    assertThat(FetchErrors.classify(new IOException(new HttpTimeoutException("x")), LATER).getMessage()).isEqualTo("timed out after 60s");
    assertThat(FetchErrors.classify(new ConnectException(), LATER)).extracting(ImageFetchException::reason, Throwable::getMessage).containsExactly(ErrorReason.IO, "connection refused");
    assertThat(FetchErrors.classify(new UnknownHostException("registry.invalid"), LATER).getMessage()).isEqualTo("unknown host");
    SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
    untrusted.initCause(new java.security.cert.CertificateException("unable to find valid certification path"));
    assertThat(FetchErrors.classify(untrusted, LATER)).extracting(ImageFetchException::reason, Throwable::getMessage).containsExactly(ErrorReason.TLS, "TLS certificate not trusted");
  }

  @Test
  void anyFailureAfterTheDeadlineIsATimeout() {
    Deadline passed = Deadline.after(Duration.ofMillis(1500));
    Deadline expired = new Deadline(System.nanoTime() - 1, passed.budget());

    assertThat(FetchErrors.classify(new IOException("closed"), expired)).extracting(ImageFetchException::reason, Throwable::getMessage).containsExactly(ErrorReason.TIMEOUT, "timed out after 1500ms");
  }

  @Test
  void ourOwnProblemsKeepTheirReasonAndMessage() {
    assertThat(FetchErrors.classify(new IOException(new ImageFetchException(ErrorReason.INVALID, "invalid manifest: no config")), LATER))
        .extracting(ImageFetchException::reason, Throwable::getMessage).containsExactly(ErrorReason.INVALID, "invalid manifest: no config");
  }

  @Test
  void anUnreachableRegistryIsTransientAnAnswerAboutTheImageIsNot() {
    Deadline deadline = Deadline.after(Duration.ofSeconds(8));
    assertThat(FetchErrors.classify(new ConnectException("Connection refused"), deadline).reason().isTransient()).isTrue();
    assertThat(FetchErrors.classify(new IOException("Connection reset"), deadline).reason().isTransient()).isTrue();
    assertThat(FetchErrors.classify(new HttpTimeoutException("timed out"), deadline).reason().isTransient()).isTrue();
    assertThat(FetchErrors.classify(new SSLHandshakeException("handshake"), deadline).reason().isTransient()).isTrue();
    assertThat(FetchErrors.byStatus(500, "").reason().isTransient()).isTrue();
    assertThat(FetchErrors.byStatus(503, "").reason().isTransient()).isTrue();
    assertThat(FetchErrors.byStatus(429, "").reason().isTransient()).isTrue();

    assertThat(FetchErrors.byStatus(401, "").reason().isTransient()).isFalse();
    assertThat(FetchErrors.byStatus(403, "").reason().isTransient()).isFalse();
    assertThat(FetchErrors.byStatus(404, "").reason().isTransient()).isFalse();
    assertThat(ErrorReason.INVALID.isTransient()).isFalse();
  }
}
