package dev.imagegate.image.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One history {@code created_by} line read as the Dockerfile instruction it records. The forms:
 *
 * <ul>
 *   <li>classic builder RUN: {@code /bin/sh -c apt-get update}, with build args {@code |2 A=1 B=2 /bin/sh -c ...}
 *   <li>classic builder metadata and copies: {@code /bin/sh -c #(nop)  ENV A=1}, {@code /bin/sh -c #(nop) ADD file:… in / }
 *   <li>BuildKit: {@code RUN /bin/sh -c ... # buildkit}, {@code RUN |1 A=1 /bin/sh -c ... # buildkit},
 *       {@code ADD https://… /opt/ # buildkit}, {@code COPY . /app # buildkit}, {@code ENV A=1}, {@code CMD ["x"]}
 *   <li>a {@code SHELL} other than {@code /bin/sh -c} ({@code /bin/bash -o pipefail -c}, {@code cmd /S /C},
 *       {@code powershell -Command}), and RUN's own flags ({@code --mount=type=cache,…})
 *   <li>anything else ({@code bazel build ...}, a debuerreotype comment): no instruction
 * </ul>
 *
 * @param keyword {@code RUN}, {@code ADD}, {@code ENV}…, or {@code ""} when the line names none
 * @param buildArgs a RUN's build arguments, {@code KEY=VALUE} as recorded: values may be secrets, never show them
 * @param flags a RUN's or ADD's/COPY's own flags ({@code --mount=…}, {@code --checksum=…}, {@code --chown=…})
 * @param body what follows: a RUN's shell command (without the shell), the other instructions' arguments
 */
public record Instruction(String keyword, List<String> buildArgs, List<String> flags, String body) {
  static final Set<String> KEYWORDS =
      Set.of("RUN", "ADD", "COPY", "ENV", "ARG", "LABEL", "CMD", "ENTRYPOINT", "EXPOSE", "USER", "WORKDIR", "VOLUME",
          "STOPSIGNAL", "HEALTHCHECK", "SHELL", "ONBUILD", "MAINTAINER");

  private static final String BUILDKIT_MARK = "# buildkit";
  /** The classic builder's prefix of an instruction that runs nothing: {@code <shell> #(nop) }. */
  private static final Pattern NOP = Pattern.compile("^[^#]*#\\(nop\\)\\s*(.*)$", Pattern.DOTALL);
  /** {@code |N} then N {@code KEY=VALUE} pairs. */
  private static final Pattern BUILD_ARGS = Pattern.compile("^\\|(\\d{1,4})(?:\\s|$)");
  /** A POSIX shell as RUN's prefix, with its options: {@code /bin/sh -c}, {@code /bin/bash -o pipefail -c}, {@code sh -ec}. */
  private static final Pattern POSIX_SHELL = Pattern.compile(
      "^(?:\\S*/)?(?:sh|bash|ash|dash|zsh)(?:\\s+(?:-o\\s+\\S+|[-+][a-zA-Z]*[abd-zA-Z]))*\\s+-[a-zA-Z]*c(?:\\s+|$)", Pattern.DOTALL);
  private static final Pattern WINDOWS_SHELL = Pattern.compile(
      "^(?:cmd(?:\\.exe)?\\s+/S\\s+/C|(?:powershell|pwsh)(?:\\.exe)?(?:\\s+-(?!Command\\b)\\S+(?:\\s+[^-\\s]\\S*)?)*\\s+-Command)(?:\\s+|$)",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  public Instruction {
    buildArgs = List.copyOf(buildArgs);
    flags = List.copyOf(flags);
  }

  /** Reads one {@code created_by} line. */
  public static Instruction of(String createdBy) {
    String line = createdBy.strip();
    if (line.endsWith(BUILDKIT_MARK)) {
      line = line.substring(0, line.length() - BUILDKIT_MARK.length()).strip();
    }
    if (line.startsWith("RUN ") || line.startsWith("RUN\t")) {
      return run(line.substring(4).strip(), true);
    }
    if (line.startsWith("|")) {
      return run(line, true);
    }
    Matcher nop = NOP.matcher(line);
    if (nop.matches()) {
      return keyword(nop.group(1).strip());
    }
    if (POSIX_SHELL.matcher(line).lookingAt() || WINDOWS_SHELL.matcher(line).lookingAt()) {
      return run(line, false);
    }
    return keyword(line);
  }

  public boolean is(String keyword) {
    return this.keyword.equals(keyword);
  }

  /** Whether the step adds files to the image: RUN, ADD or COPY. */
  public boolean addsContent() {
    return is("RUN") || is("ADD") || is("COPY");
  }

  /** The text shown for this step: the keyword and its arguments, never a build argument's or an ENV/ARG/LABEL value. */
  public String shown() {
    return switch (keyword) {
      case "" -> body;
      case "ENV", "ARG", "LABEL" -> keyword + " " + String.join(" ", names(body));
      default -> (keyword + " " + body).strip();
    };
  }

  /**
   * @param buildkit BuildKit writes {@code RUN} before the build args and may write its flags; the
   *     classic builder writes neither
   */
  private static Instruction run(String rest, boolean buildkit) {
    List<String> args = new ArrayList<>();
    Matcher counted = BUILD_ARGS.matcher(rest);
    if (counted.lookingAt()) {
      int count = Integer.parseInt(counted.group(1));
      int at = counted.end();
      for (int i = 0; i < count; i++) {
        int start = skipSpaces(rest, at);
        int end = start;
        while (end < rest.length() && !Character.isWhitespace(rest.charAt(end))) {
          end++;
        }
        if (start == end || rest.substring(start, end).indexOf('=') <= 0) {
          break;
        }
        args.add(rest.substring(start, end));
        at = end;
      }
      rest = rest.substring(skipSpaces(rest, at));
    }
    List<String> flags = new ArrayList<>();
    while (buildkit && rest.startsWith("--")) {
      int end = 0;
      while (end < rest.length() && !Character.isWhitespace(rest.charAt(end))) {
        end++;
      }
      flags.add(rest.substring(0, end));
      rest = rest.substring(skipSpaces(rest, end));
    }
    Matcher shell = POSIX_SHELL.matcher(rest);
    if (shell.lookingAt()) {
      rest = rest.substring(shell.end());
    } else {
      Matcher windows = WINDOWS_SHELL.matcher(rest);
      if (windows.lookingAt()) {
        rest = rest.substring(windows.end());
      }
    }
    return new Instruction("RUN", args, flags, rest.strip());
  }

  private static Instruction keyword(String line) {
    int end = 0;
    while (end < line.length() && !Character.isWhitespace(line.charAt(end))) {
      end++;
    }
    String word = line.substring(0, end).toUpperCase(Locale.ROOT);
    if (!KEYWORDS.contains(word)) {
      return new Instruction("", List.of(), List.of(), line);
    }
    String rest = line.substring(end).strip();
    if (word.equals("RUN")) {
      return run(rest, true);
    }
    List<String> flags = new ArrayList<>();
    while ((word.equals("ADD") || word.equals("COPY")) && rest.startsWith("--")) {
      int flagEnd = 0;
      while (flagEnd < rest.length() && !Character.isWhitespace(rest.charAt(flagEnd))) {
        flagEnd++;
      }
      flags.add(rest.substring(0, flagEnd));
      rest = rest.substring(skipSpaces(rest, flagEnd));
    }
    return new Instruction(word, List.of(), flags, rest);
  }

  /** The names of {@code A=1 B=2}, legacy {@code A value}, or a bare {@code ARG A}: never their values. */
  private static List<String> names(String assignments) {
    List<String> names = new ArrayList<>();
    String[] tokens = assignments.strip().split("\\s+");
    if (tokens.length == 0 || tokens[0].isEmpty()) {
      return names;
    }
    if (tokens[0].indexOf('=') < 0) {
      return List.of(tokens[0]);
    }
    for (String token : tokens) {
      int eq = token.indexOf('=');
      if (eq > 0 && token.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_.\\-]*")) {
        names.add(token.substring(0, eq));
      }
    }
    return names;
  }

  private static int skipSpaces(String text, int from) {
    int at = from;
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
    return at;
  }

  /** The body and build args may hold secrets: print neither. */
  @Override
  public String toString() {
    return "Instruction[" + keyword + ", " + buildArgs.size() + " build args, " + body.length() + " chars]";
  }
}
