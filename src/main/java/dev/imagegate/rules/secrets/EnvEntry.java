package dev.imagegate.rules.secrets;

/**
 * One {@code KEY=VALUE} pair and where it was found. {@link #toString()} never shows the value: it
 * may be the very secret this package looks for.
 */
public record EnvEntry(String key, String value, Place place) {

  public EnvEntry {
    key = key == null ? "" : key.strip();
    value = value == null ? "" : value;
  }

  /** Splits at the first {@code =}; an entry without one has an empty value, as Docker treats it. */
  public static EnvEntry parse(String keyValue, Place place) {
    int eq = keyValue.indexOf('=');
    return eq < 0
        ? new EnvEntry(keyValue, "", place)
        : new EnvEntry(keyValue.substring(0, eq), keyValue.substring(eq + 1), place);
  }

  @Override
  public String toString() {
    return "EnvEntry[key=" + key + ", place=" + place + ", value=<redacted>]";
  }
}
