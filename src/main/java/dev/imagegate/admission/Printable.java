package dev.imagegate.admission;

/** Text for the apiserver: warnings with control characters are rejected, and long ones are noise. */
final class Printable {
  private Printable() {}

  /** Replaces control characters (C0, DEL, C1) with a space. */
  static String of(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        if (out == null) {
          out = new StringBuilder(text.length()).append(text, 0, i);
        }
        out.append(' ');
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /** {@link #of} cut to {@code max} characters, marked with an ellipsis when cut. */
  static String truncated(String text, int max) {
    String clean = of(text);
    return clean.length() <= max ? clean : clean.substring(0, max - 1) + "…";
  }
}
