package dev.imagegate.rules.secrets;

import dev.imagegate.image.history.BuildHistory;
import dev.imagegate.image.history.HistoryStep;
import dev.imagegate.image.history.Instruction;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The environment variables and build arguments an image's history records ({@link BuildHistory}
 * reads the forms): a RUN's build arguments ({@code |2 A=1 B=2 /bin/sh -c …}, classic or BuildKit),
 * and ENV and ARG instructions ({@code /bin/sh -c #(nop)  ENV A=1 B=2}, legacy {@code ENV A value},
 * BuildKit {@code ENV A=1}, {@code ARG TOKEN=abc}, {@code ARG TARGETARCH}).
 */
public final class HistoryEnv {
  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");

  private HistoryEnv() {}

  /** Every variable and build argument recorded in the history, in history order. */
  public static List<EnvEntry> entries(BuildHistory history) {
    List<EnvEntry> entries = new ArrayList<>();
    for (HistoryStep step : history.steps()) {
      Instruction instruction = step.instruction();
      if (instruction.is("RUN")) {
        instruction.buildArgs().forEach(pair -> entries.add(EnvEntry.parse(pair, Place.BUILD_ARG)));
      } else if (instruction.is("ENV") || instruction.is("ARG")) {
        entries.addAll(assignments(instruction.body(), instruction.is("ENV") ? Place.HISTORY_ENV : Place.BUILD_ARG));
      }
    }
    return entries;
  }

  /**
   * {@code A=1 B=2}, {@code A=two words}, legacy {@code A two words}, or a bare {@code ARG NAME}. A
   * token that is not {@code KEY=...} continues the previous value: history lines are not quoted.
   */
  static List<EnvEntry> assignments(String text, Place place) {
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

  static boolean isAssignment(String token) {
    int eq = token.indexOf('=');
    return eq > 0 && KEY.matcher(token.substring(0, eq)).matches();
  }

  static String[] tokens(String text) {
    String stripped = text.strip();
    return stripped.isEmpty() ? new String[0] : stripped.split("\\s+");
  }
}
