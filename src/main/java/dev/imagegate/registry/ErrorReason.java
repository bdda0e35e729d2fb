package dev.imagegate.registry;

/**
 * Why a fetch failed: the small fixed set used for the {@code reason} metric label and {@link ImageFetchException#reason()}.
 * Each says whether it is {@linkplain #isTransient() transient}: whether it says something about
 * the registry's reachability right now rather than about the image.
 */
public enum ErrorReason {
  /** The deadline passed (the image's {@code registries.timeout} or the admission's budget). */
  TIMEOUT("timeout", true),
  /** No such image, tag or repository (HTTP 404). */
  NOT_FOUND("not_found", false),
  /** The registry or its token service refused the credentials (or their absence). */
  UNAUTHORIZED("unauthorized", false),
  /** HTTP 429, and its {@code Retry-After} did not fit the deadline or the retry budget was spent. */
  RATE_LIMITED("rate_limited", true),
  /**
   * Certificate not trusted, host name mismatch, handshake failure, refused downgrade to plain HTTP.
   * Transient: nothing is read over such a connection, and an expired or rotated certificate is a
   * common registry outage.
   */
  TLS("tls", true),
  /** Connection refused or reset, unknown host, HTTP 5xx, too many fetches waiting. */
  IO("io", true),
  /** The registry answered something that is not a usable image (malformed, too large, wrong digest, artifact). */
  INVALID("invalid", false);

  private final String label;
  private final boolean transientFailure;

  ErrorReason(String label, boolean transientFailure) {
    this.label = label;
    this.transientFailure = transientFailure;
  }

  /**
   * Whether the registry could not be asked (unreachable, overloaded, too slow) rather than
   * answered about the image: facts confirmed earlier may stand in (see {@code cache.staleIfError}).
   * A 401, 403 or 404, or an unusable answer, is an answer: never transient.
   */
  public boolean isTransient() {
    return transientFailure;
  }

  public String label() {
    return label;
  }
}
