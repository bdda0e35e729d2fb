package dev.imagegate.text;

import java.util.function.IntFunction;

/**
 * The one place text that came from outside (a pod spec, an AdmissionReview, a registry's answer)
 * is made fit to show: every message, warning, event and log line that quotes such text goes
 * through here. One walk over the text's code points decides, per destination, what becomes of a
 * character that must not be shown, then the text is cut to a length a person reads.
 *
 * <p>The destinations differ on purpose: the apiserver rejects control characters in a warning but
 * shows any other Unicode; a finding's message must also not reorder the text around it (format
 * characters); a registry's text is untrusted bytes and is reduced to printable ASCII; what a user
 * wrote is shown escaped, so that they can see the character that made it invalid.
 */
public final class ExternalText {
  private static final String ASCII_ELLIPSIS = "...";
  /** A quoted user name or env var name longer than this is noise in a finding. */
  private static final int MAX_QUOTED = 64;

  private ExternalText() {}

  /** For the apiserver (warnings, status messages, events): control characters (C0, DEL, C1) become spaces. */
  public static String forApiserver(String text) {
    return text == null ? "" : map(text, cp -> Character.isISOControl(cp) ? " " : null);
  }

  /** {@link #forApiserver(String)} cut to {@code max} characters, marked with an ellipsis when cut. */
  public static String forApiserver(String text, int max) {
    String clean = forApiserver(text);
    return clean.length() <= max ? clean : clean.substring(0, max - 1) + "…";
  }

  /**
   * Quoted inside a finding's message: without control or format characters (a message must stay
   * one clean line and must not reorder the text around it), at most {@value #MAX_QUOTED} characters.
   */
  public static String quotedInMessage(String raw) {
    String clean = map(raw, cp -> Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT ? "" : null);
    return "\"" + cut(clean, MAX_QUOTED) + "\"";
  }

  /** A registry-controlled field (a media type) in a message: printable ASCII, others as {@code ?}, at most 100 characters. */
  public static String registryField(String text) {
    return cut(map(text, cp -> printableAscii(cp) ? null : "?"), 100);
  }

  /**
   * A registry's own error text: printable ASCII, each run of anything else or of spaces one space,
   * trimmed, at most 120 characters; null when nothing is left.
   */
  public static String registryMessage(String text) {
    String clean = map(text, cp -> printableAscii(cp) ? null : " ").replaceAll(" +", " ").trim();
    return clean.isEmpty() ? null : cut(clean, 120);
  }

  /**
   * An image's history step (a Dockerfile instruction as the registry recorded it) shown in a
   * finding: printable ASCII (others as {@code ?}), each run of spaces, tabs and newlines one space,
   * trimmed, and at most {@code max} characters in all, ending {@code ...} when cut.
   */
  public static String historyStep(String text, int max) {
    String clean = map(text, cp -> Character.isWhitespace(cp) ? " " : printableAscii(cp) ? null : "?").replaceAll(" {2,}", " ").trim();
    return clean.length() <= max ? clean : clean.substring(0, max - ASCII_ELLIPSIS.length()).stripTrailing() + ASCII_ELLIPSIS;
  }

  /**
   * What a user wrote, in quotes, for an "invalid …" message: quotes and backslashes escaped,
   * invisible characters (controls, whitespace other than a space) as {@code \}{@code uXXXX}, and
   * a long input shown by its start and its end.
   */
  public static String quotedInput(String text) {
    if (text == null) {
      return "(null)";
    }
    String shown = text.length() <= 160 ? text : text.substring(0, 120) + ASCII_ELLIPSIS + text.substring(text.length() - 20);
    return "\"" + map(shown, ExternalText::escaped) + "\"";
  }

  private static String escaped(int cp) {
    if (cp == '"' || cp == '\\') {
      return "\\" + (char) cp;
    }
    if (Character.isISOControl(cp) || (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) && cp != ' ') {
      return String.format("\\u%04x", cp);
    }
    return null;
  }

  private static boolean printableAscii(int cp) {
    return cp >= 0x20 && cp <= 0x7e;
  }

  /** The text with each code point {@code replace} answers for replaced by its answer (null: kept). */
  private static String map(String text, IntFunction<String> replace) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(cp -> {
      String replacement = replace.apply(cp);
      if (replacement == null) {
        out.appendCodePoint(cp);
      } else {
        out.append(replacement);
      }
    });
    return out.toString();
  }

  private static String cut(String text, int max) {
    return text.length() > max ? text.substring(0, max) + ASCII_ELLIPSIS : text;
  }
}
