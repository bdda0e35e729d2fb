package dev.imagegate.image.history;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.imagegate.image.ImageFacts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An image's history read once: each entry as a {@link HistoryStep}, and which packages its package
 * managers installed and no later command removed. Every rule that reads the history shares it.
 *
 * @param steps every history entry, oldest first
 * @param installed the packages still installed after the last step, each with the step that
 *     installed it (the first, when installed twice), in install order
 */
public record BuildHistory(List<HistoryStep> steps, List<Installed> installed) {
  /** A package a step installed and no later command removed. */
  public record Installed(String name, HistoryStep step) {}

  /**
   * Performance: read once per image config for all the rules that judge it, which do so one after
   * the other and remember their own (small) conclusions. Facts are immutable and the resolver's
   * cache serves the same object to every admission; keyed by identity and weakly. Bounded: a read
   * history (every RUN split into words) weighs tens of KB, and only the images being judged now need it.
   */
  private static final Cache<ImageFacts, BuildHistory> READ =
      Caffeine.newBuilder().weakKeys().maximumSize(256).executor(Runnable::run).build();

  public BuildHistory {
    steps = List.copyOf(steps);
    installed = List.copyOf(installed);
  }

  /** The history of {@code image}, read at its first use. */
  public static BuildHistory of(ImageFacts image) {
    return READ.get(image, facts -> read(facts.history(), facts.baseSteps()));
  }

  /**
   * @param baseSteps how many leading entries come from a base image, or {@link ImageFacts#UNKNOWN}
   */
  public static BuildHistory read(List<String> createdBy, int baseSteps) {
    List<HistoryStep> steps = new ArrayList<>(createdBy.size());
    for (int i = 0; i < createdBy.size(); i++) {
      Instruction instruction = Instruction.of(createdBy.get(i));
      List<Command> commands = instruction.is("RUN") ? ShellCommands.split(instruction.body()) : List.of();
      List<PackageCommand> packageCommands = new ArrayList<>();
      for (Command command : commands) {
        PackageCommand.of(command).ifPresent(packageCommands::add);
      }
      steps.add(new HistoryStep(i, instruction, commands, packageCommands, baseSteps != ImageFacts.UNKNOWN && i < baseSteps));
    }
    return new BuildHistory(steps, installed(steps));
  }

  /**
   * Follows installs and removals in order: {@code apt-get purge}/{@code remove}, {@code apk del} of a
   * package or of the {@code --virtual} group it was added under, {@code yum/dnf remove}; and the
   * Debian idiom {@code apt-mark auto …; apt-get purge --auto-remove} in one step, which removes what
   * that step installed (the official images' way to drop build dependencies).
   */
  private static List<Installed> installed(List<HistoryStep> steps) {
    Map<String, HistoryStep> installed = new LinkedHashMap<>();
    Map<String, Set<String>> groups = new LinkedHashMap<>();
    for (HistoryStep step : steps) {
      boolean markedAuto = false;
      for (Command command : step.commands()) {
        Command runs = command.unwrapped();
        markedAuto |= runs.name().equals("apt-mark") && runs.args().contains("auto");
      }
      for (PackageCommand command : step.packageCommands()) {
        switch (command.action()) {
          case INSTALL -> {
            for (String name : command.packages()) {
              installed.putIfAbsent(name, step);
              if (command.group() != null) {
                groups.computeIfAbsent(command.group(), g -> new LinkedHashSet<>()).add(name);
              }
            }
          }
          case REMOVE -> {
            for (String name : command.packages()) {
              Set<String> group = groups.remove(name);
              if (group != null) {
                group.forEach(installed::remove);
              } else {
                installed.remove(name);
              }
            }
            boolean autoRemove = command.subcommand().equals("autoremove") || command.hasOption("--auto-remove")
                || command.hasOption("--autoremove");
            if (command.manager().equals("apt") && markedAuto && autoRemove) {
              installed.values().removeIf(installer -> installer == step);
            }
          }
          default -> { }
        }
      }
    }
    List<Installed> remaining = new ArrayList<>(installed.size());
    installed.forEach((name, step) -> remaining.add(new Installed(name, step)));
    return remaining;
  }
}
