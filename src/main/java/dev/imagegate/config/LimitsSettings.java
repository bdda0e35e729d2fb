package dev.imagegate.config;

/**
 * Bounds on the work one request may cause.
 *
 * @param maxImagesPerRequest distinct images (by normalised reference, not counting exempt images)
 *     read from registries for one admission; the containers whose images come after the first
 *     {@code maxImagesPerRequest} are not read nor judged, and one {@code image-unavailable} finding
 *     says so. Default 100, at least 1.
 */
public record LimitsSettings(Integer maxImagesPerRequest) {
  public static final int DEFAULT_MAX_IMAGES_PER_REQUEST = 100;

  public LimitsSettings {
    maxImagesPerRequest = maxImagesPerRequest == null ? DEFAULT_MAX_IMAGES_PER_REQUEST : maxImagesPerRequest;
    if (maxImagesPerRequest < 1) {
      throw new ConfigException("limits.maxImagesPerRequest: " + maxImagesPerRequest + " is less than 1");
    }
  }

  public static LimitsSettings defaults() {
    return new LimitsSettings(null);
  }
}
