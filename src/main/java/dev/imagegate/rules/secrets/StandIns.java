package dev.imagegate.rules.secrets;

import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.history.Instruction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Image facts fit to be kept where they outlive the process and may be shared (the CLI's disk
 * cache): every value a secret could be in is replaced by a stand-in of the same kind as the rules
 * see it, never derived from the value. An env or build-argument value becomes empty when it was
 * empty, the stand-in of the credential format it holds ({@link SecretPattern#standIn()}), {@code 0}
 * when it is harmless (a number, a path, a boolean, a placeholder) or {@code withheld}; ENV, ARG and
 * LABEL lines of the history keep their names with stand-in values; any other text of the history
 * and of the healthcheck keeps its words with each credential format masked. Names, users, ports,
 * sizes and digests are kept as they are.
 */
public final class StandIns {
  /** A harmless value's stand-in: not empty, and harmless itself. */
  static final String HARMLESS = "0";
  private static final SecretPattern PRIVATE_KEY =
      SecretPattern.WELL_KNOWN.stream().filter(pattern -> pattern.id().equals("private-key")).findFirst().orElseThrow();

  private StandIns() {}

  /**
   * The facts with stand-ins for their values; empty when a variable's name itself holds a
   * credential format (a value pasted as a name), which no stand-in can replace.
   */
  public static Optional<ImageFacts> of(ImageFacts facts) {
    List<String> env = new ArrayList<>(facts.env().size());
    for (String entry : facts.env()) {
      int eq = entry.indexOf('=');
      String key = eq < 0 ? entry : entry.substring(0, eq);
      if (SecretPattern.firstIn(key).isPresent()) {
        return Optional.empty();
      }
      env.add(eq < 0 ? entry : key + "=" + standIn(entry.substring(eq + 1)));
    }
    List<String> history = new ArrayList<>(facts.history().size());
    for (String line : facts.history()) {
      history.add(masked(historyLine(line)));
    }
    List<String> healthcheck = facts.healthcheckTest() == null ? null : facts.healthcheckTest().stream().map(StandIns::masked).toList();
    return Optional.of(new ImageFacts(facts.platform(), facts.configDigest(), facts.user(), healthcheck, env, history,
        facts.envOmitted(), facts.historyOmitted(), facts.osVersion(), facts.exposedPorts(), facts.compressedSize(), facts.baseSteps()));
  }

  /** The stand-in of a value: of the same kind for the rules, and nothing of the value. */
  static String standIn(String value) {
    if (value.isEmpty()) {
      return "";
    }
    Optional<SecretPattern> format = SecretPattern.firstIn(value);
    if (format.isPresent()) {
      return format.get().standIn();
    }
    return HarmlessValues.isHarmless(value) ? HARMLESS : SecretPattern.WITHHELD;
  }

  /** A RUN's build arguments, and ENV/ARG/LABEL assignments, with stand-in values; other lines as they are. */
  private static String historyLine(String line) {
    Instruction instruction = Instruction.of(line);
    if (instruction.is("RUN")) {
      StringBuilder sealed = new StringBuilder();
      int copied = 0;
      for (String arg : instruction.buildArgs()) {
        int at = line.indexOf(arg, copied);
        int eq = arg.indexOf('=');
        sealed.append(line, copied, at).append(arg, 0, eq + 1).append(standIn(arg.substring(eq + 1)));
        copied = at + arg.length();
      }
      return sealed.append(line, copied, line.length()).toString();
    }
    if (instruction.is("ENV") || instruction.is("ARG") || instruction.is("LABEL")) {
      String body = instruction.body();
      int at = line.lastIndexOf(body);
      return line.substring(0, at) + assignments(body) + line.substring(at + body.length());
    }
    return line;
  }

  /** {@code A=1 B=two words} as {@code A=<stand-in> B=<stand-in>}; legacy {@code A value} as {@code A <stand-in>}; a bare name as it is. */
  private static String assignments(String body) {
    String[] tokens = HistoryEnv.tokens(body);
    boolean legacy = tokens.length > 0 && !HistoryEnv.isAssignment(tokens[0]);
    List<String> sealed = new ArrayList<>();
    for (EnvEntry entry : HistoryEnv.assignments(body, Place.HISTORY_ENV)) {
      String value = standIn(entry.value());
      sealed.add(legacy ? (value.isEmpty() ? entry.key() : entry.key() + " " + value) : entry.key() + "=" + value);
    }
    return String.join(" ", sealed);
  }

  /** Each credential format masked where it stands; after a PEM private key's header, nothing (the key follows it). */
  private static String masked(String text) {
    String masked = text;
    for (SecretPattern pattern : SecretPattern.WELL_KNOWN) {
      masked = pattern.maskIn(masked);
    }
    int pem = masked.indexOf(PRIVATE_KEY.standIn());
    return pem < 0 ? masked : masked.substring(0, pem + PRIVATE_KEY.standIn().length());
  }
}
