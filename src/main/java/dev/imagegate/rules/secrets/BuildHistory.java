package dev.imagegate.rules.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the environment variables and build arguments that builders record in an image's history
 * ({@code created_by} lines). The forms handled:
 *
 * <ul>
 *   <li>classic builder RUN with build args: {@code |2 A=1 B=2 /bin/sh -c ...}
 *   <li>BuildKit RUN with build args: {@code RUN |2 A=1 B=2 /bin/sh -c ... # buildkit}
 *   <li>classic builder ENV/ARG: {@code /bin/sh -c #(nop)  ENV A=1 B=2}, legacy {@code ENV A value}
 *   <li>BuildKit ENV/ARG: {@code ENV A=1}, {@code ARG TOKEN=abc}, {@code ARG TARGETARCH}
 * </ul>
 */
public final class BuildHistory {
  /** {@code |N} then N {@code KEY=VALUE} pairs, then the command. */
  private static final Pattern RUN_WITH_ARGS = Pattern.compile("^(?:RUN\\s+)?\\|(\\d{1,4})\\s+(.*)$", Pattern.DOTALL);

  /** The classic builder prefixes metadata instructions with {@code <shell> #(nop)}. */
  private static final Pattern ENV_OR_ARG =
      Pattern.compile("^(?:[^#]*#\\(nop\\)\\s*)?(ENV|ARG)\\s+(.*)$", Pattern.DOTALL);

  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");
  private static final String BUILDKIT_MARK = "# buildkit";

  private BuildHistory() {}

  /** Every variable and build argument recorded in {@code createdBy}, in history order. */
  public static List<EnvEntry> entries(List<String> createdBy) {
    List<EnvEntry> entries = new ArrayList<>();
    for (String line : createdBy) {
      entries.addAll(entries(withoutBuildkitMark(line.strip())));
    }
    return entries;
  }

  private static List<EnvEntry> entries(String line) {
    Matcher run = RUN_WITH_ARGS.matcher(line);
    if (run.matches()) {
      return runArgs(Integer.parseInt(run.group(1)), run.group(2));
    }
    Matcher instruction = ENV_OR_ARG.matcher(line);
    if (instruction.matches()) {
      Place place = instruction.group(1).equals("ENV") ? Place.HISTORY_ENV : Place.BUILD_ARG;
      return assignments(instruction.group(2), place);
    }
    return List.of();
  }

  /** Exactly {@code count} leading pairs are arguments; whatever follows is the command. */
  private static List<EnvEntry> runArgs(int count, String rest) {
    List<EnvEntry> entries = new ArrayList<>();
    for (String token : tokens(rest)) {
      if (entries.size() == count || !isAssignment(token)) {
        break;
      }
      entries.add(EnvEntry.parse(token, Place.BUILD_ARG));
    }
    return entries;
  }

  /**
   * {@code A=1 B=2}, {@code A=two words}, legacy {@code A two words}, or a bare {@code ARG NAME}. A
   * token that is not {@code KEY=...} continues the previous value: history lines are not quoted.
   */
  private static List<EnvEntry> assignments(String text, Place place) {
    String[] tokens = tokens(text);
    if (tokens.length == 0) {
      return List.of();
    }
    if (!isAssignment(tokens[0])) {
      return KEY.matcher(tokens[0]).matches()
          ? List.of(new EnvEntry(tokens[0], text.strip().substring(tokens[0].length()).strip(), place))
          : List.of();
    }
    List<String> pairs = new ArrayList<>();
    for (String token : tokens) {
      if (isAssignment(token)) {
        pairs.add(token);
      } else {
        pairs.set(pairs.size() - 1, pairs.get(pairs.size() - 1) + " " + token);
      }
    }
    return pairs.stream().map(pair -> EnvEntry.parse(pair, place)).toList();
  }

  private static boolean isAssignment(String token) {
    int eq = token.indexOf('=');
    return eq > 0 && KEY.matcher(token.substring(0, eq)).matches();
  }

  private static String[] tokens(String text) {
    String stripped = text.strip();
    return stripped.isEmpty() ? new String[0] : stripped.split("\\s+");
  }

  private static String withoutBuildkitMark(String line) {
    return line.endsWith(BUILDKIT_MARK) ? line.substring(0, line.length() - BUILDKIT_MARK.length()).strip() : line;
  }
}
