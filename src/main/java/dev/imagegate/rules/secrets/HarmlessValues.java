package dev.imagegate.rules.secrets;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Values that are not a secret whatever the variable is called: {@code PASSWORD_MIN_LENGTH=8},
 * {@code POSTGRES_PASSWORD_FILE=/run/secrets/pw}, {@code ADMIN_PASSWORD=changeme}.
 */
final class HarmlessValues {
  /** Counts, lengths, lifetimes and ports: a short number is configuration, not a credential. */
  private static final Pattern SHORT_NUMBER = Pattern.compile("-?\\d{1,10}");

  /** A lifetime written with its unit, as Go and most configs take it: {@code 15m}, {@code 1h30m}, {@code 7d}. */
  private static final Pattern DURATION = Pattern.compile("(?:\\d{1,10}(?:ns|us|ms|s|m|h|d|w)){1,4}");

  /** Where a secret is kept (a mounted Secret, a key file), not the secret; also the shell's {@code PWD}. */
  private static final Pattern PATH = Pattern.compile("(?:/|\\./|\\.\\./|~/|[A-Za-z]:\\\\)\\S*");

  /** A reference resolved elsewhere: {@code ${DB_PASSWORD}}, {@code $DB_PASSWORD}, {@code $(DB_PASSWORD)}. */
  private static final Pattern REFERENCE = Pattern.compile("\\$(?:\\{[^}]*}|\\([^)]*\\)|[A-Za-z_][A-Za-z0-9_]*)");

  /** Masks and templates: {@code xxxx}, {@code ****}, {@code <your-token>}, {@code {{ .Values.token }}}. */
  private static final Pattern MASK = Pattern.compile("[xX]{3,}|\\*{3,}|\\.{3,}|<[^>]*>|\\{\\{.*}}");

  private static final Set<String> BOOLEANS = Set.of("true", "false", "yes", "no", "on", "off", "enabled", "disabled");

  /** Publicly known words that stand for "set the real value here": nothing to leak. */
  static final Set<String> PLACEHOLDERS =
      Set.of(
          "changeme", "change_me", "change-me", "changeit", "replaceme", "replace_me", "replace-me", "placeholder",
          "secret", "password", "passwd", "token", "dummy", "example", "sample", "redacted", "none", "null", "nil",
          "undefined", "unset", "empty", "todo", "tbd", "fixme");

  private HarmlessValues() {}

  /** Not a secret: blank, a boolean, a short number or duration, a path, or a placeholder. */
  static boolean isHarmless(String value) {
    String v = unquote(value.strip());
    return v.isEmpty()
        || BOOLEANS.contains(v.toLowerCase(Locale.ROOT))
        || SHORT_NUMBER.matcher(v).matches()
        || DURATION.matcher(v).matches()
        || PATH.matcher(v).matches()
        || isPlaceholder(v);
  }

  /** A stand-in for a secret rather than a secret: a placeholder word, a mask, or a reference. */
  static boolean isPlaceholder(String value) {
    String v = unquote(value.strip());
    return PLACEHOLDERS.contains(v.toLowerCase(Locale.ROOT))
        || MASK.matcher(v).matches()
        || REFERENCE.matcher(v).matches();
  }

  private static String unquote(String v) {
    boolean quoted =
        v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"));
    return quoted ? v.substring(1, v.length() - 1).strip() : v;
  }
}
