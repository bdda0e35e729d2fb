package dev.imagegate.policy;

import java.util.List;
import java.util.regex.Pattern;

/** Name patterns of the configuration: {@code *} matches any run of characters (slashes too), {@code ?} one character. */
final class Glob {
  private final List<Pattern> patterns;

  Glob(List<String> globs) {
    this.patterns = globs.stream().map(Glob::compile).toList();
  }

  boolean isEmpty() {
    return patterns.isEmpty();
  }

  /** Whether some pattern matches {@code text} (null: none does). */
  boolean matches(String text) {
    if (text == null) {
      return false;
    }
    for (Pattern pattern : patterns) {
      if (pattern.matcher(text).matches()) {
        return true;
      }
    }
    return false;
  }

  private static Pattern compile(String glob) {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }
}
