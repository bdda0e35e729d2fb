package dev.imagegate.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code WWW-Authenticate} challenge from a registry: {@code Bearer realm="…",service="…",scope="…"}
 * or {@code Basic realm="…"}. Holds no secret.
 *
 * @param scheme {@code bearer} or {@code basic} (lower case)
 * @param params the challenge's parameters, names in lower case
 */
record AuthChallenge(String scheme, Map<String, String> params) {
  AuthChallenge {
    params = Map.copyOf(params);
  }

  boolean bearer() {
    return scheme.equals("bearer");
  }

  boolean basic() {
    return scheme.equals("basic");
  }

  String realm() {
    return params.get("realm");
  }

  String service() {
    return params.get("service");
  }

  /**
   * The first Bearer or Basic challenge in a header value, or null. Parameters are
   * {@code name=token} or {@code name="quoted string"} separated by commas.
   */
  static AuthChallenge parse(String header) {
    if (header == null) {
      return null;
    }
    String text = header.trim();
    int space = text.indexOf(' ');
    String scheme = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
    if (!scheme.equals("bearer") && !scheme.equals("basic")) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    int i = space < 0 ? text.length() : space + 1;
    while (i < text.length()) {
      while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == ',')) {
        i++;
      }
      int eq = text.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String name = text.substring(i, eq).trim().toLowerCase(Locale.ROOT);
      i = eq + 1;
      StringBuilder value = new StringBuilder();
      if (i < text.length() && text.charAt(i) == '"') {
        i++;
        while (i < text.length() && text.charAt(i) != '"') {
          if (text.charAt(i) == '\\' && i + 1 < text.length()) {
            i++;
          }
          value.append(text.charAt(i++));
        }
        i++; // closing quote
      } else {
        while (i < text.length() && text.charAt(i) != ',') {
          value.append(text.charAt(i++));
        }
      }
      if (name.contains(" ")) {
        break; // the start of another challenge: one is enough
      }
      params.putIfAbsent(name, value.toString().trim());
    }
    return new AuthChallenge(scheme, params);
  }
}
