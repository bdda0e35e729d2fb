package dev.imagegate.image.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A package manager's command: which manager, what it does, to which packages.
 *
 * @param program the program as run, without its directory ({@code apt-get}, {@code dnf})
 * @param manager the family: {@code apt} (apt-get, apt, aptitude), {@code apk}, {@code yum} (yum, dnf,
 *     microdnf, tdnf) or {@code zypper}
 * @param action {@link Action#INSTALL}, {@link Action#REMOVE}, {@link Action#CLEAN}, {@link Action#UPDATE} or {@link Action#OTHER}
 * @param subcommand the subcommand as written ({@code install}, {@code add}, {@code purge}, {@code mark}…)
 * @param packages the package names, versions cut off ({@code nginx=1.27*} is {@code nginx}); words
 *     holding a variable or naming a file ({@code $pkgs}, {@code /tmp/kong.deb}) left out
 * @param options the options as written ({@code --no-cache}, {@code -y}, {@code --auto-remove})
 * @param group apk's {@code --virtual}/{@code -t} name the packages are added under, or null
 */
public record PackageCommand(String program, String manager, Action action, String subcommand, List<String> packages, List<String> options,
    String group) {
  public enum Action { INSTALL, REMOVE, CLEAN, UPDATE, OTHER }

  /** Options that take the next word as their value, per family: that word is no package. */
  private static final Set<String> APT_VALUED = Set.of("-o", "--option", "-c", "--config-file", "-t", "--target-release");
  private static final Set<String> APK_VALUED =
      Set.of("-X", "--repository", "--virtual", "-t", "-p", "--root", "--arch", "--cache-dir", "--keys-dir", "--repositories-file");
  private static final Set<String> YUM_VALUED =
      Set.of("-c", "--config", "--installroot", "--releasever", "--enablerepo", "--disablerepo", "--repo", "--setopt", "-x",
          "--exclude", "-d", "-e");

  public PackageCommand {
    packages = List.copyOf(packages);
    options = List.copyOf(options);
  }

  /** The package command {@code command} runs ({@code sudo}/{@code env} prefixes looked through), if it is one. */
  public static Optional<PackageCommand> of(Command command) {
    Command runs = command.unwrapped();
    String family = switch (runs.name()) {
      case "apt-get", "apt", "aptitude" -> "apt";
      case "apk" -> "apk";
      case "yum", "dnf", "microdnf", "tdnf" -> "yum";
      case "zypper" -> "zypper";
      default -> null;
    };
    if (family == null) {
      return Optional.empty();
    }
    Set<String> valued = switch (family) {
      case "apt" -> APT_VALUED;
      case "apk" -> APK_VALUED;
      case "yum" -> YUM_VALUED;
      default -> Set.of();
    };
    String subcommand = null;
    String group = null;
    List<String> packages = new ArrayList<>();
    List<String> options = new ArrayList<>();
    List<String> args = runs.args();
    for (int i = 0; i < args.size(); i++) {
      String word = args.get(i);
      if (word.startsWith("-")) {
        String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
        options.add(word);
        String value = word.contains("=") ? word.substring(word.indexOf('=') + 1) : null;
        if (value == null && valued.contains(name) && i + 1 < args.size()) {
          value = args.get(++i);
        }
        if (family.equals("apk") && (name.equals("--virtual") || name.equals("-t"))) {
          group = value;
        }
      } else if (subcommand == null) {
        subcommand = word.toLowerCase(Locale.ROOT);
      } else if (family.equals("yum") && subcommand.equals("group") && packages.isEmpty() && word.equals("install")) {
        subcommand = "groupinstall";
      } else {
        packageName(family, word).ifPresent(packages::add);
      }
    }
    if (subcommand == null) {
      return Optional.empty();
    }
    return Optional.of(new PackageCommand(runs.name(), family, action(family, subcommand), subcommand, packages, options, group));
  }

  public boolean hasOption(String option) {
    for (String o : options) {
      if (o.equals(option) || o.startsWith(option + "=")) {
        return true;
      }
    }
    return false;
  }

  private static Action action(String family, String subcommand) {
    return switch (family + " " + subcommand) {
      case "apt install", "apt reinstall", "apk add", "yum install", "yum groupinstall", "yum reinstall", "zypper install",
          "zypper in" -> Action.INSTALL;
      case "apt remove", "apt purge", "apt autoremove", "apk del", "yum remove", "yum erase", "yum autoremove", "zypper remove",
          "zypper rm" -> Action.REMOVE;
      case "apt clean", "apt autoclean", "apk cache", "yum clean", "zypper clean", "zypper cc" -> Action.CLEAN;
      case "apt update", "apt upgrade", "apt dist-upgrade", "apt full-upgrade", "apk update", "apk upgrade", "yum update",
          "yum upgrade", "zypper update", "zypper up", "zypper refresh", "zypper ref" -> Action.UPDATE;
      default -> Action.OTHER;
    };
  }

  /** {@code nginx=1.27.3-1~bookworm}, {@code gcc~=12}, {@code python3>3.9} name {@code nginx}, {@code gcc}, {@code python3}. */
  private static Optional<String> packageName(String family, String word) {
    if (word.contains("$") || word.contains("/") || word.contains("*") || word.endsWith(".deb") || word.endsWith(".rpm")) {
      return Optional.empty();
    }
    int cut = word.length();
    for (char stop : (family.equals("apt") ? "=" : "=<>~").toCharArray()) {
      int at = word.indexOf(stop);
      if (at > 0 && at < cut) {
        cut = at;
      }
    }
    if (family.equals("apt") && word.indexOf(':') > 0 && word.indexOf(':') < cut) {
      cut = word.indexOf(':'); // multiarch: gcc:amd64
    }
    String name = word.substring(0, cut).toLowerCase(Locale.ROOT);
    return name.isEmpty() ? Optional.empty() : Optional.of(name);
  }

  /** Options may carry credentials ({@code -o Acquire::http::Proxy=http://user:pw@…}): print names and counts only. */
  @Override
  public String toString() {
    return "PackageCommand[" + program + " " + subcommand + ", " + packages + ", " + options.size() + " options]";
  }
}
