package dev.imagegate.registry;

import java.util.Objects;

/**
 * An image that could not be read from its registry. The message names the image and the reason
 * ("registry.example.com/app:1.2: manifest unknown (HTTP 404)") and never carries credentials or
 * tokens; {@link #reason()} says which kind of failure it was.
 */
public final class ImageFetchException extends Exception {
  private final ErrorReason reason;

  public ImageFetchException(ErrorReason reason, String message) {
    super(message, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** A failure of unspecified kind (counted as {@link ErrorReason#IO}). */
  public ImageFetchException(String message) {
    this(ErrorReason.IO, message);
  }

  public ImageFetchException(String message, Throwable cause) {
    super(message, cause);
    this.reason = ErrorReason.IO;
  }

  public ErrorReason reason() {
    return reason;
  }
}
