package dev.imagegate.registry;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * How many more times one image fetch may retry a transient failure (HTTP 429 and 5xx, a reset
 * or refused connection), and whether a wait still fits its deadline. Shared by the requests of
 * the fetch, so a flaky registry costs at most {@code registries.maxRetries} extra requests per
 * image, never the minute-long back-off storms of a client retrying on its own.
 */
final class RetryBudget {
  /** A request needs at least this much time left to be worth sending after a wait. */
  static final Duration MIN_REQUEST_TIME = Duration.ofMillis(50);
  static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

  private final AtomicInteger left;
  private final AtomicInteger used = new AtomicInteger();

  RetryBudget(int retries) {
    this.left = new AtomicInteger(retries);
  }

  /** The wait before the next retry when the registry names none: 100 ms, 200 ms, 400 ms… (±20%). */
  Duration backoff() {
    long base = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(used.get(), 10));
    long jitter = (long) (base * 0.2 * (ThreadLocalRandom.current().nextDouble() * 2 - 1));
    return Duration.ofMillis(base + jitter);
  }

  /** Whether {@code wait} plus a request still fit before the deadline. */
  static boolean fits(Duration wait, Deadline deadline) {
    return wait.plus(MIN_REQUEST_TIME).compareTo(deadline.remaining()) < 0;
  }

  /**
   * Takes one retry if one is left and {@code wait} fits the deadline, and waits; false (nothing
   * taken, no wait) otherwise.
   */
  boolean retryAfter(Duration wait, Deadline deadline) throws InterruptedIOException {
    if (!fits(wait, deadline)) {
      return false;
    }
    if (left.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
      return false;
    }
    used.incrementAndGet();
    try {
      Thread.sleep(Math.max(0, wait.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
    return true;
  }

  int used() {
    return used.get();
  }

  /** A failure worth trying again: the connection broke or was refused, not a timeout, TLS or size problem. */
  static boolean transientFailure(IOException error) {
    return !(error instanceof HttpTimeoutException
        || error instanceof InterruptedIOException
        || error instanceof SSLException
        || error instanceof LimitedBodySubscriber.ResponseTooLargeException
        || error instanceof java.net.UnknownHostException
        || hasSslCause(error));
  }

  private static boolean hasSslCause(Throwable error) {
    for (Throwable t = error.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SSLException || t instanceof java.security.cert.CertificateException) {
        return true;
      }
    }
    return false;
  }

  /** A status worth trying again: 429, 500, 502, 503, 504. */
  static boolean transientStatus(int status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }

  /** {@code Retry-After} as delta-seconds or an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
    } catch (NumberFormatException notSeconds) {
      try {
        Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
        return until.isNegative() ? Duration.ZERO : until;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }
}
