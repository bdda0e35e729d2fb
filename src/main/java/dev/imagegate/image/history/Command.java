package dev.imagegate.image.history;

import java.util.List;

/**
 * One simple command of a RUN step, as words with their quotes removed, without the leading
 * variable assignments and shell keywords ({@code DEBIAN_FRONTEND=noninteractive}, {@code then},
 * {@code do}, {@code !}). {@code sudo} and {@code env} stay: whether a step runs sudo is a question.
 */
public record Command(List<String> words) {
  public Command {
    words = List.copyOf(words);
  }

  /** The program's name without its directory: {@code /usr/bin/apt-get} is {@code apt-get}. */
  public String name() {
    String first = words.isEmpty() ? "" : words.get(0);
    return first.substring(first.lastIndexOf('/') + 1);
  }

  /** The words after the program. */
  public List<String> args() {
    return words.isEmpty() ? List.of() : words.subList(1, words.size());
  }

  /** This command without a leading {@code sudo}/{@code env} and their options and assignments: what actually runs. */
  public Command unwrapped() {
    int at = 0;
    while (at < words.size()) {
      String word = words.get(at);
      String name = word.substring(word.lastIndexOf('/') + 1);
      if (name.equals("sudo") || name.equals("env") || name.equals("nice") || name.equals("xargs")) {
        at++;
        while (at < words.size() && (words.get(at).startsWith("-") || ShellCommands.isAssignment(words.get(at)))) {
          at++;
        }
      } else {
        break;
      }
    }
    return at == 0 ? this : new Command(words.subList(at, words.size()));
  }

  /** Words may hold anything a Dockerfile wrote: print their count only. */
  @Override
  public String toString() {
    return "Command[" + name() + ", " + words.size() + " words]";
  }
}
