package dev.imagegate.registry;

/**
 * An image that could not be read from its registry. The message names the image and the reason
 * ("registry.example.com/app:1.2: manifest unknown (404)") and never carries credentials.
 */
public final class ImageFetchException extends Exception {
  public ImageFetchException(String message) {
    super(message);
  }

  public ImageFetchException(String message, Throwable cause) {
    super(message, cause);
  }
}
