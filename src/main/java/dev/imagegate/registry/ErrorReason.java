package dev.imagegate.registry;

/** Why a fetch failed: the small fixed set used for the {@code reason} metric label and {@link ImageFetchException#reason()}. */
public enum ErrorReason {
  /** The deadline passed (the image's {@code registries.timeout} or the admission's budget). */
  TIMEOUT("timeout"),
  /** No such image, tag or repository (HTTP 404). */
  NOT_FOUND("not_found"),
  /** The registry or its token service refused the credentials (or their absence). */
  UNAUTHORIZED("unauthorized"),
  /** HTTP 429, and its {@code Retry-After} did not fit the deadline or the retry budget was spent. */
  RATE_LIMITED("rate_limited"),
  /** Certificate not trusted, host name mismatch, handshake failure, refused downgrade to plain HTTP. */
  TLS("tls"),
  /** Connection refused or reset, unknown host, HTTP 5xx, too many fetches waiting. */
  IO("io"),
  /** The registry answered something that is not a usable image (malformed, too large, wrong digest, artifact). */
  INVALID("invalid");

  private final String label;

  ErrorReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
