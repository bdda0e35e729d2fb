package dev.imagegate.image;

import java.util.Locale;

/**
 * An {@code os/architecture[/variant]} platform, as configured ({@code registries.platforms}) or
 * as an image config states it.
 *
 * @param variant the variant ({@code v8}), or null
 */
public record Platform(String os, String architecture, String variant) {

  /** Parses {@code os/architecture[/variant]}, lower-cased. */
  public static Platform parse(String text) {
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split("/", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty() || (parts.length == 3 && parts[2].isEmpty())) {
      throw new IllegalArgumentException("invalid platform \"" + text + "\": expected os/architecture[/variant], e.g. linux/amd64");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /**
   * Whether an image of {@code os/architecture} is this platform. Variants are not compared: the
   * node labels the scheduler sees carry none either ({@code kubernetes.io/arch=arm64} runs
   * {@code arm64/v8} and plain {@code arm64} alike).
   */
  public boolean matches(String os, String architecture) {
    return this.os.equalsIgnoreCase(os) && this.architecture.equalsIgnoreCase(architecture);
  }

  /** The os of an {@code os/architecture[/variant]} name, lower-cased; {@code unknown} when it names none. */
  public static String osOf(String platform) {
    int slash = platform == null ? -1 : platform.indexOf('/');
    return slash <= 0 ? "unknown" : platform.substring(0, slash).toLowerCase(Locale.ROOT);
  }

  /** The architecture of an {@code os/architecture[/variant]} name, lower-cased; {@code unknown} when it names none. */
  public static String architectureOf(String platform) {
    int slash = platform == null ? -1 : platform.indexOf('/');
    if (slash < 0) {
      return "unknown";
    }
    int end = platform.indexOf('/', slash + 1);
    return platform.substring(slash + 1, end < 0 ? platform.length() : end).toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
