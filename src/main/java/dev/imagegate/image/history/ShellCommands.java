package dev.imagegate.image.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Splits a RUN step's shell text into its simple commands, shell-aware enough for package managers
 * and {@code rm}: commands end at {@code &&}, {@code ||}, {@code ;}, {@code |}, {@code &}, a newline
 * and the parentheses and braces of groups; a backslash-newline continues the line; quotes group
 * words and are removed; {@code $(…)}, {@code ${…}} and backquotes stay inside their word. Not a
 * shell: no expansion, no here-documents, no functions; a word it cannot read stays as written.
 */
public final class ShellCommands {
  private static final Set<String> KEYWORDS = Set.of("if", "then", "else", "elif", "do", "while", "until", "!", "time", "exec");
  /** {@code >}, {@code 2>>}, {@code &>}, {@code <}, with the target attached (group 1) or in the next word. */
  private static final Pattern REDIRECTION = Pattern.compile("(?:\\d*|&)(?:>>?|<)&?(\\S*)");
  private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\+?=.*", Pattern.DOTALL);

  private ShellCommands() {}

  public static List<Command> split(String text) {
    List<Command> commands = new ArrayList<>();
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < n) {
        char next = text.charAt(i + 1);
        if (next == '\n') {
          i += 2;
          continue;
        }
        if (next == '\r' && i + 2 < n && text.charAt(i + 2) == '\n') {
          i += 3;
          continue;
        }
        word.append(next);
        inWord = true;
        i += 2;
      } else if (c == '\'') {
        int end = text.indexOf('\'', i + 1);
        end = end < 0 ? n : end;
        word.append(text, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        int end = closingDoubleQuote(text, i + 1);
        word.append(text, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '$' && i + 1 < n && (text.charAt(i + 1) == '(' || text.charAt(i + 1) == '{')) {
        int end = closing(text, i + 1);
        word.append(text, i, Math.min(end + 1, n));
        inWord = true;
        i = end + 1;
      } else if (c == '`') {
        int end = text.indexOf('`', i + 1);
        end = end < 0 ? n : end;
        word.append(text, i, Math.min(end + 1, n));
        inWord = true;
        i = end + 1;
      } else if (c == '&' && (i > 0 && (text.charAt(i - 1) == '>' || text.charAt(i - 1) == '<')
          || i + 1 < n && text.charAt(i + 1) == '>')) {
        word.append(c); // a redirection (2>&1, &>), not a command separator
        inWord = true;
        i++;
      } else if (c == ' ' || c == '\t') {
        inWord = endWord(word, inWord, words);
        i++;
      } else if (c == '\n' || c == '\r' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')'
          || ((c == '{' || c == '}') && !inWord)) {
        inWord = endWord(word, inWord, words);
        endCommand(words, commands);
        i++;
      } else if (c == '#' && !inWord) {
        int end = text.indexOf('\n', i);
        i = end < 0 ? n : end;
      } else {
        word.append(c);
        inWord = true;
        i++;
      }
    }
    endWord(word, inWord, words);
    endCommand(words, commands);
    return commands;
  }

  static boolean isAssignment(String word) {
    return ASSIGNMENT.matcher(word).matches();
  }

  private static boolean endWord(StringBuilder word, boolean inWord, List<String> words) {
    if (inWord) {
      words.add(word.toString());
      word.setLength(0);
    }
    return false;
  }

  private static void endCommand(List<String> words, List<Command> commands) {
    withoutRedirections(words);
    int start = 0;
    while (start < words.size() && (KEYWORDS.contains(words.get(start)) || isAssignment(words.get(start)))) {
      start++;
    }
    if (start < words.size()) {
      commands.add(new Command(words.subList(start, words.size())));
    }
    words.clear();
  }

  /** Drops {@code > /dev/null}, {@code 2>&1}, {@code >>log}: where output goes is no argument. */
  private static void withoutRedirections(List<String> words) {
    for (int i = 0; i < words.size(); ) {
      var redirection = REDIRECTION.matcher(words.get(i));
      if (redirection.matches()) {
        boolean targetApart = redirection.group(1).isEmpty();
        words.remove(i);
        if (targetApart && i < words.size()) {
          words.remove(i);
        }
      } else {
        i++;
      }
    }
  }

  /** The index of the {@code "} that closes a double-quoted string starting at {@code from}, or the end. */
  private static int closingDoubleQuote(String text, int from) {
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i;
      }
    }
    return text.length();
  }

  /** The index of the bracket closing the one at {@code open} ({@code (} or {@code {}), nesting counted, or the end. */
  private static int closing(String text, int open) {
    char opening = text.charAt(open);
    char closing = opening == '(' ? ')' : '}';
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == opening) {
        depth++;
      } else if (c == closing && --depth == 0) {
        return i;
      }
    }
    return text.length();
  }
}
