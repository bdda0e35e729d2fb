package dev.imagegate.rules.secrets;

import java.util.List;
import java.util.regex.Pattern;

/** Variable names an operator has declared harmless: exact, case-insensitive, {@code *} and {@code ?} globs. */
final class KeyAllowList {
  private final List<Pattern> patterns;

  KeyAllowList(List<String> globs) {
    this.patterns = globs.stream().map(KeyAllowList::compile).toList();
  }

  boolean allows(String key) {
    for (Pattern pattern : patterns) { // on every env entry of every admission: no stream
      if (pattern.matcher(key).matches()) {
        return true;
      }
    }
    return false;
  }

  private static Pattern compile(String glob) {
    StringBuilder regex = new StringBuilder();
    for (String part : glob.strip().split("(?=[*?])|(?<=[*?])")) {
      regex.append(switch (part) {
        case "*" -> ".*";
        case "?" -> ".";
        default -> Pattern.quote(part);
      });
    }
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
  }
}
