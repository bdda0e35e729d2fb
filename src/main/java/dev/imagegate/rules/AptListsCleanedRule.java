package dev.imagegate.rules;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.history.BuildHistory;
import dev.imagegate.image.history.Command;
import dev.imagegate.image.history.HistoryStep;
import dev.imagegate.image.history.PackageCommand;
import dev.imagegate.image.history.PackageCommand.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A step that installs packages cleans the package manager's cache in the same step: a file removed
 * by a later step still weighs in the earlier layer. Judged per RUN step of the history, in command
 * order (a cleanup before the install cleans nothing): {@code apt-get update}/{@code install} needs
 * {@code rm -rf /var/lib/apt/lists} after it; {@code apk add}/{@code upgrade} needs {@code --no-cache}
 * or a removal of {@code /var/cache/apk}; {@code yum}/{@code dnf}/{@code microdnf}/{@code tdnf install}
 * needs {@code clean all}; {@code zypper install} needs {@code zypper clean}. A BuildKit cache mount on
 * the cache's directory keeps it out of the layer and counts as clean.
 */
public class AptListsCleanedRule extends HistoryRule {
  public static final String ID = "apt-lists-cleaned";

  /** @param skipBaseImageSteps do not report steps known to come from the base image; default false */
  public record Options(Boolean skipBaseImageSteps) {
    public Options {
      skipBaseImageSteps = Boolean.TRUE.equals(skipBaseImageSteps);
    }
  }

  private final Options options;

  public AptListsCleanedRule(ImagegateConfig config) {
    this(config.rule(ID).options(ID, Options.class));
  }

  public AptListsCleanedRule(Options options) {
    super(ID);
    this.options = options;
  }

  @Override
  protected List<Violation> judge(ImageFacts image) {
    List<Violation> found = new ArrayList<>();
    for (HistoryStep step : BuildHistory.of(image).steps()) {
      if (step.is("RUN") && !(options.skipBaseImageSteps() && step.inBaseImage())) {
        leftBehind(step).ifPresent(cache -> found.add(StepText.violation(ID, cache.what, cache.fix, step)));
      }
    }
    return List.copyOf(found);
  }

  /** What a package manager left behind: each kind of cache with what fixes it. */
  private enum Cache {
    APT("apt-get update/install without rm -rf /var/lib/apt/lists", "clean up in the same RUN", "/var/lib/apt"),
    APK("apk add without --no-cache", "use apk add --no-cache", "/var/cache/apk"),
    YUM("yum/dnf install without clean all", "clean up in the same RUN", "/var/cache/"),
    ZYPPER("zypper install without zypper clean", "clean up in the same RUN", "/var/cache/zypp");

    final String what;
    final String fix;
    /** A cache mount under this path keeps the cache out of the layer. */
    final String directory;

    Cache(String what, String fix, String directory) {
      this.what = what;
      this.fix = fix;
      this.directory = directory;
    }
  }

  /** The first cache still there at the end of the step, if any. */
  private static Optional<Cache> leftBehind(HistoryStep step) {
    List<Cache> pending = new ArrayList<>();
    for (Command command : step.commands()) {
      Command runs = command.unwrapped();
      if (runs.name().equals("rm") || runs.name().equals("find")) {
        pending.removeIf(cache -> removes(runs, cache));
      }
      PackageCommand.of(command).ifPresent(pc -> {
        Cache cache = cacheOf(pc.manager());
        if (leavesCache(pc) && !pending.contains(cache)) {
          pending.add(cache);
        } else if (cleans(pc)) {
          pending.remove(cache);
        }
      });
    }
    pending.removeIf(cache -> cacheMounted(step, cache));
    return pending.stream().findFirst();
  }

  private static Cache cacheOf(String manager) {
    return switch (manager) {
      case "apt" -> Cache.APT;
      case "apk" -> Cache.APK;
      case "zypper" -> Cache.ZYPPER;
      default -> Cache.YUM;
    };
  }

  private static boolean leavesCache(PackageCommand pc) {
    return switch (pc.manager()) {
      case "apt" -> pc.action() == Action.INSTALL || pc.subcommand().equals("update");
      case "apk" -> (pc.action() == Action.INSTALL || pc.subcommand().equals("upgrade")) && !pc.hasOption("--no-cache");
      default -> pc.action() == Action.INSTALL;
    };
  }

  /** {@code apk cache clean}, {@code yum clean all}, {@code zypper clean}; {@code apt-get clean} leaves the lists. */
  private static boolean cleans(PackageCommand pc) {
    return switch (pc.manager()) {
      case "apk" -> pc.action() == Action.CLEAN && pc.packages().contains("clean");
      case "yum" -> pc.action() == Action.CLEAN && pc.packages().contains("all");
      case "zypper" -> pc.action() == Action.CLEAN;
      default -> false;
    };
  }

  /** {@code rm -rf /var/lib/apt/lists/*}, {@code find /var/lib/apt/lists -delete}: a word under the cache's directory. */
  private static boolean removes(Command rm, Cache cache) {
    String under = switch (cache) {
      case APT -> "/var/lib/apt/lists";
      case APK -> "/var/cache/apk";
      case YUM -> "/var/cache/";
      case ZYPPER -> "/var/cache/zypp";
    };
    for (String word : rm.args()) {
      if (word.startsWith(under) && (cache != Cache.YUM || word.startsWith("/var/cache/yum") || word.startsWith("/var/cache/dnf"))) {
        return true;
      }
    }
    return false;
  }

  /** BuildKit's {@code --mount=type=cache,target=/var/lib/apt…}: the cache never reaches the layer. */
  private static boolean cacheMounted(HistoryStep step, Cache cache) {
    for (String flag : step.instruction().flags()) {
      if (flag.startsWith("--mount=") && flag.contains("type=cache") && flag.contains(cache.directory)) {
        return true;
      }
    }
    return false;
  }
}
