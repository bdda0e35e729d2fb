package dev.imagegate.registry;

import java.util.Locale;

/**
 * An {@code os/architecture[/variant]} platform.
 *
 * @param variant the variant ({@code v8}), or null
 */
record Platform(String os, String architecture, String variant) {

  static Platform parse(String text) {
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split("/", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty() || (parts.length == 3 && parts[2].isEmpty())) {
      throw new IllegalArgumentException("invalid platform \"" + text + "\": expected os/architecture[/variant], e.g. linux/amd64");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /** Whether an entry of {@code os/architecture} is this platform (variants are not visible in jib-core's index templates). */
  boolean matches(String os, String architecture) {
    return this.os.equalsIgnoreCase(os) && this.architecture.equalsIgnoreCase(architecture);
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
