package dev.imagegate.rules;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.history.BuildHistory;
import dev.imagegate.image.history.HistoryStep;
import dev.imagegate.text.ExternalText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The final image carries no compiler toolchain: a package its history installed ({@code apt-get
 * install}, {@code apk add}, {@code yum/dnf install}, {@code zypper install}) that is a build tool and
 * that no later command removed ({@code apt-get purge}, {@code apk del} of it or of its
 * {@code --virtual} group, {@code yum remove}, Debian's {@code apt-mark auto …; apt-get purge
 * --auto-remove}). Build dependencies belong in a builder stage of a multi-stage build.
 */
public class NoBuildToolsRule extends HistoryRule {
  public static final String ID = "no-build-tools";

  /** Compilers, build systems and toolchain meta-packages, as Debian, Alpine and RPM distributions name them. */
  static final Set<String> TOOLS =
      Set.of("build-essential", "build-base", "gcc", "g++", "gcc-c++", "clang", "make", "cmake", "automake", "autoconf",
          "libtool", "golang", "golang-go", "go", "maven", "gradle", "rustc", "cargo", "musl-dev", "libc6-dev", "libc-dev",
          "linux-headers", "kernel-headers", "glibc-devel", "development tools", "@development-tools");
  /** Versioned compilers ({@code gcc-12}, {@code g++-12}, {@code clang-16}, {@code golang-1.22-go}) and headers ({@code libpq-dev}, {@code openssl-devel}). */
  private static final Pattern TOOL_NAME =
      Pattern.compile("(?:gcc|g\\+\\+|clang|golang)-\\d[\\w.+-]*|.+-dev|.+-devel|.+-headers");

  /**
   * @param allowPackages package names never reported (a header package the app needs at run time); default none
   * @param skipBaseImageSteps do not report packages installed by steps known to come from the base image; default false
   */
  public record Options(List<String> allowPackages, Boolean skipBaseImageSteps) {
    public Options {
      allowPackages = allowPackages == null ? List.of() : allowPackages.stream().map(p -> p.strip().toLowerCase(Locale.ROOT)).toList();
      skipBaseImageSteps = Boolean.TRUE.equals(skipBaseImageSteps);
    }
  }

  private final Options options;

  public NoBuildToolsRule(ImagegateConfig config) {
    this(config.rule(ID).options(ID, Options.class));
  }

  public NoBuildToolsRule(Options options) {
    super(ID);
    this.options = options;
  }

  static boolean isBuildTool(String name) {
    return TOOLS.contains(name) || TOOL_NAME.matcher(name).matches();
  }

  /** One violation per step that installed tools still there. */
  @Override
  protected List<Violation> judge(ImageFacts image) {
    Map<HistoryStep, List<String>> byStep = new LinkedHashMap<>();
    for (BuildHistory.Installed installed : BuildHistory.of(image).installed()) {
      HistoryStep step = installed.step();
      if (isBuildTool(installed.name()) && !options.allowPackages().contains(installed.name())
          && !(options.skipBaseImageSteps() && step.inBaseImage())) {
        byStep.computeIfAbsent(step, s -> new ArrayList<>()).add(installed.name());
      }
    }
    List<Violation> found = new ArrayList<>();
    byStep.forEach((step, tools) -> found.add(StepText.violation(ID,
        "build tools " + names(tools) + " left installed", "use a build stage", step)));
    return List.copyOf(found);
  }

  /** At most three names, then how many more. */
  private static String names(List<String> tools) {
    String shown = String.join(", ", tools.subList(0, Math.min(3, tools.size())));
    return ExternalText.historyStep(shown, 30) + (tools.size() > 3 ? " and " + (tools.size() - 3) + " more" : "");
  }
}
