package dev.imagegate.rules;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.history.BuildHistory;
import dev.imagegate.image.history.HistoryStep;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * No {@code sudo} in the image: a step that runs it (the build already runs as root where it needs
 * to: use {@code USER}), or a package install of it that no later command removed (in a container,
 * sudo is a way back to root for whoever gets a shell). {@code gosu} and {@code su-exec}, which only
 * drop privileges, are fine.
 */
public class NoSudoRule extends HistoryRule {
  public static final String ID = "no-sudo";

  /** @param skipBaseImageSteps do not report steps known to come from the base image; default false */
  public record Options(Boolean skipBaseImageSteps) {
    public Options {
      skipBaseImageSteps = Boolean.TRUE.equals(skipBaseImageSteps);
    }
  }

  private final Options options;

  public NoSudoRule(ImagegateConfig config) {
    this(config.rule(ID).options(ID, Options.class));
  }

  public NoSudoRule(Options options) {
    super(ID);
    this.options = options;
  }

  @Override
  protected List<Violation> judge(ImageFacts image) {
    BuildHistory history = BuildHistory.of(image);
    Set<HistoryStep> installing = new LinkedHashSet<>();
    history.installed().stream().filter(p -> p.name().equals("sudo")).forEach(p -> installing.add(p.step()));
    List<Violation> found = new ArrayList<>();
    for (HistoryStep step : history.steps()) {
      if (options.skipBaseImageSteps() && step.inBaseImage()) {
        continue;
      }
      if (installing.contains(step)) {
        found.add(StepText.violation(ID, "sudo installed", "drop it; switch users with USER", step));
      } else if (step.runs("sudo")) {
        found.add(StepText.violation(ID, "sudo run", "build steps run as root already; use USER", step));
      }
    }
    return List.copyOf(found);
  }
}
