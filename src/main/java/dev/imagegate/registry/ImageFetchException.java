package dev.imagegate.registry;

import java.util.Objects;

/**
 * A fetch failure, from where it is detected (a status, an exception, a refused realm…) to the
 * finding that reports it: the one failure type of the registry client. Its {@link #reason()} is
 * decided once, where the failure is detected; its text is composed by imagegate, never taken from
 * an exception's own message, and never carries credentials or tokens.
 *
 * <p>Deep in the client it says only what went wrong ({@link #detail()}: "manifest unknown (HTTP
 * 404)"); {@link #forImage} names the image for the caller ("registry.example.com/app:1.2: manifest
 * unknown (HTTP 404)").
 */
public final class ImageFetchException extends Exception {
  private final ErrorReason reason;
  private final String detail;
  /** The image as named in messages, or null while not yet known. */
  private final String image;

  private ImageFetchException(ErrorReason reason, String detail, String image) {
    super(image == null ? detail : image + ": " + detail, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.detail = detail;
    this.image = image;
  }

  public ImageFetchException(ErrorReason reason, String message) {
    this(reason, message, null);
  }

  /** A failure of unspecified kind (counted as {@link ErrorReason#IO}). */
  public ImageFetchException(String message) {
    this(ErrorReason.IO, message);
  }

  public ErrorReason reason() {
    return reason;
  }

  /** What went wrong, without the image's name. */
  public String detail() {
    return detail;
  }

  /** This failure naming {@code image} (as {@link dev.imagegate.image.ImageReference#normalized} writes it); itself when it names one already. */
  ImageFetchException forImage(String displayName) {
    return image != null ? this : new ImageFetchException(reason, detail, displayName);
  }
}
