package dev.imagegate.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What to do with a workload whose image cannot be read from its registry. */
public enum OnError {
  DENY,
  /** Allow the workload, with a warning that names the image and the reason. */
  ALLOW;

  @JsonCreator
  public static OnError of(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("unknown onError \"" + value + "\": expected deny or allow");
    }
  }

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
