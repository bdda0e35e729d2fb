package dev.imagegate.rules;

/** Makes text that came from a registry or a pod spec safe to quote inside a violation message. */
final class MessageText {
  private static final int MAX_QUOTED = 64;

  private MessageText() {}

  /**
   * Quotes {@code raw} without control or format characters (a message must stay one clean line and
   * must not reorder the text around it) and cut to a length a person can read.
   */
  static String quoted(String raw) {
    StringBuilder clean = new StringBuilder();
    raw.codePoints()
        .filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)
        .forEach(clean::appendCodePoint);
    String text = clean.length() > MAX_QUOTED ? clean.substring(0, MAX_QUOTED) + "..." : clean.toString();
    return "\"" + text + "\"";
  }
}
