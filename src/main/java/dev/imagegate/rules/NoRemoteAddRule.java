package dev.imagegate.rules;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.history.BuildHistory;
import dev.imagegate.image.history.HistoryStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * No {@code ADD} from an {@code http(s)://} URL: what it downloads is not verified (unless
 * {@code --checksum}), and it is not cached like a package. Read from BuildKit's history, which keeps
 * the ADD line as written; the classic builder records a downloaded file as {@code ADD file:<hash>},
 * so its remote ADDs cannot be told from local ones and pass.
 */
public class NoRemoteAddRule extends HistoryRule {
  public static final String ID = "no-remote-add";

  /**
   * @param allowChecksum let an {@code ADD --checksum=sha256:…} pass: BuildKit verifies what it downloads; default false
   * @param skipBaseImageSteps do not report steps known to come from the base image; default false
   */
  public record Options(Boolean allowChecksum, Boolean skipBaseImageSteps) {
    public Options {
      allowChecksum = Boolean.TRUE.equals(allowChecksum);
      skipBaseImageSteps = Boolean.TRUE.equals(skipBaseImageSteps);
    }
  }

  private final Options options;

  public NoRemoteAddRule(ImagegateConfig config) {
    this(config.rule(ID).options(ID, Options.class));
  }

  public NoRemoteAddRule(Options options) {
    super(ID);
    this.options = options;
  }

  @Override
  protected List<Violation> judge(ImageFacts image) {
    List<Violation> found = new ArrayList<>();
    for (HistoryStep step : BuildHistory.of(image).steps()) {
      if (step.is("ADD") && addsFromUrl(step) && !(options.allowChecksum() && hasChecksum(step))
          && !(options.skipBaseImageSteps() && step.inBaseImage())) {
        found.add(StepText.violation(ID, "ADD from a URL", "download with RUN curl and check a checksum", step));
      }
    }
    return List.copyOf(found);
  }

  /** Any source (every word but the destination, also of the JSON form) that is an http(s) URL. */
  private static boolean addsFromUrl(HistoryStep step) {
    String[] words = step.instruction().body().replaceAll("[\\[\\]\",]", " ").strip().split("\\s+");
    for (int i = 0; i < words.length - 1; i++) {
      String word = words[i].toLowerCase(Locale.ROOT);
      if (word.startsWith("http://") || word.startsWith("https://")) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasChecksum(HistoryStep step) {
    return step.instruction().flags().stream().anyMatch(flag -> flag.startsWith("--checksum="));
  }
}
