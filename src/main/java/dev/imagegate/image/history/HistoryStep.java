package dev.imagegate.image.history;

import java.util.List;

/**
 * One entry of an image's history, read.
 *
 * @param index its position in the config's {@code history} (0: the oldest)
 * @param instruction what the entry's {@code created_by} records
 * @param commands a RUN step's simple commands, in order; empty for other steps
 * @param packageCommands those of {@code commands} that run a package manager, in order
 * @param inBaseImage true when the step is known to come from a base image ({@link BaseImageSteps});
 *     false when it is the image's own or that cannot be told
 */
public record HistoryStep(int index, Instruction instruction, List<Command> commands, List<PackageCommand> packageCommands,
    boolean inBaseImage) {
  public HistoryStep {
    commands = List.copyOf(commands);
    packageCommands = List.copyOf(packageCommands);
  }

  /** The step as a person counts it: 1 for the oldest entry. */
  public int number() {
    return index + 1;
  }

  public boolean is(String keyword) {
    return instruction.is(keyword);
  }

  /** Whether any command of the step runs {@code name}, itself or behind {@code sudo}/{@code env}. */
  public boolean runs(String name) {
    for (Command command : commands) {
      if (command.name().equals(name) || command.unwrapped().name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** The instruction and commands may hold anything a Dockerfile wrote: print neither. */
  @Override
  public String toString() {
    return "HistoryStep[" + number() + ", " + instruction.keyword() + (inBaseImage ? ", base image" : "") + "]";
  }
}
