package dev.imagegate.image;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Performance: image references as written in pod specs, parsed once. A cluster admits the same few
 * hundred image strings over and over, and parsing one (the distribution/reference grammar) cost
 * about a tenth of a cached admission. References are immutable, so the parsed value is shared.
 */
public final class ParsedReferences {
  /** Longer strings are parsed each time (and are refused anyway: names are at most 255 characters). */
  private static final int MAX_REMEMBERED = 512;
  private static final Cache<String, Parsed> PARSED =
      Caffeine.newBuilder().maximumSize(10_000).executor(Runnable::run).build();

  private ParsedReferences() {}

  /**
   * An image as written, parsed: the reference, or why it is not one.
   *
   * @param reference the parsed reference, or null when it is not valid
   * @param problem why it is not valid ({@link ImageReference#parse}'s message), or null
   */
  public record Parsed(ImageReference reference, String problem) {}

  /** {@code image} parsed, once for all the admissions that write it so. */
  public static Parsed parse(String image) {
    if (image == null || image.length() > MAX_REMEMBERED) {
      return parsed(image);
    }
    return PARSED.get(image, ParsedReferences::parsed);
  }

  private static Parsed parsed(String image) {
    try {
      return new Parsed(ImageReference.parse(image), null);
    } catch (InvalidReferenceException e) {
      return new Parsed(null, e.getMessage());
    }
  }
}
