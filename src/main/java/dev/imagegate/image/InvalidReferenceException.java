package dev.imagegate.image;

/** An image reference that the container ecosystem would refuse; the message says why. */
public final class InvalidReferenceException extends IllegalArgumentException {
  public InvalidReferenceException(String message) {
    super(message);
  }
}
