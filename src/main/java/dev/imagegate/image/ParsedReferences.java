package dev.imagegate.image;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Optional;

/**
 * Performance: image references as written in pod specs, parsed once. A cluster admits the same few
 * hundred image strings over and over, and parsing one (the distribution/reference grammar) cost
 * about a tenth of a cached admission. References are immutable, so the parsed value is shared.
 */
public final class ParsedReferences {
  /** Longer strings are parsed each time (and are refused anyway: names are at most 255 characters). */
  private static final int MAX_REMEMBERED = 512;
  private static final Cache<String, Optional<ImageReference>> PARSED =
      Caffeine.newBuilder().maximumSize(10_000).executor(Runnable::run).build();

  private ParsedReferences() {}

  /** {@code image} parsed, or null when it is not a valid reference ({@link ImageReference#parse} says why). */
  public static ImageReference parseOrNull(String image) {
    if (image == null || image.length() > MAX_REMEMBERED) {
      return parsed(image).orElse(null);
    }
    return PARSED.get(image, ParsedReferences::parsed).orElse(null);
  }

  private static Optional<ImageReference> parsed(String image) {
    try {
      return Optional.of(ImageReference.parse(image));
    } catch (InvalidReferenceException e) {
      return Optional.empty();
    }
  }
}
