package dev.imagegate.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a violation does to an admission. Ordered from strictest to most lenient. */
public enum Mode {
  /** Denied with a 403 that lists every violation. */
  ENFORCE,
  /** Allowed, with one apiserver warning per violation. */
  WARN,
  /** Allowed; violations go to audit annotations, the decision log and metrics only. */
  AUDIT,
  /** The rule is not judged (per-rule only). */
  OFF;

  @JsonCreator
  public static Mode of(String value) {
    if ("false".equals(value)) {
      return OFF; // YAML 1.1 reads an unquoted `off` as the boolean false
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("unknown mode \"" + value + "\": expected enforce, warn, audit or off");
    }
  }

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
