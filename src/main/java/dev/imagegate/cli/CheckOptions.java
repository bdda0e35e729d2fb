package dev.imagegate.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** The options of {@code imagegate check}, as picocli reads them (docs/cli.md lists each). */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Judges Kubernetes manifests and images as the imagegate webhook would admit them, without a cluster.",
        "Exit codes: 0 nothing would be denied (per --fail-on), 1 something would, 2 usage or input error."},
    versionProvider = CheckOptions.Version.class)
final class CheckOptions {
  @Option(names = {"-f", "--filename"}, paramLabel = "FILE|DIR|-",
      description = "Manifests to judge: a YAML or JSON file (multi-document, kind: List), a directory (recursively, "
          + "*.yaml, *.yml, *.json) or - for standard input. Repeatable.")
  List<String> files = new ArrayList<>();

  @Option(names = "--image", paramLabel = "REF",
      description = "An image to judge as a pod with no securityContext would run it. Repeatable.")
  List<String> images = new ArrayList<>();

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "imagegate's configuration file, the same as the webhook's (default: built-in defaults).")
  Path config;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "default",
      description = "Namespace of documents that name none (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = {"-o", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
      description = "text, json, sarif or junit (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--output", paramLabel = "FILE", description = "Write the report to FILE instead of standard output.")
  Path output;

  @Option(names = "--offline",
      description = "No registry access: rules that need the image config are reported as not evaluated.")
  boolean offline;

  @Option(names = "--fail-on", paramLabel = "LEVEL", defaultValue = "enforce",
      description = "enforce: exit 1 when something would be denied; warn: also when something would be warned; "
          + "never: exit 0 whatever the verdict (default: ${DEFAULT-VALUE}).")
  FailOn failOn;

  @Option(names = "--registry-config", paramLabel = "FILE",
      description = "docker config.json with registry credentials (default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json).")
  Path registryConfig;

  @Option(names = "--cache-dir", paramLabel = "DIR",
      description = "Where image facts are cached by digest (default: $XDG_CACHE_HOME/imagegate, else ~/.cache/imagegate).")
  Path cacheDir;

  @Option(names = "--no-cache", description = "Neither read nor write the disk cache.")
  boolean noCache;

  @Option(names = "--cache-ttl", paramLabel = "DURATION", defaultValue = "7d", converter = DurationConverter.class,
      description = "Image facts older than this are read again (e.g. 12h, 7d; default: ${DEFAULT-VALUE}).")
  Duration cacheTtl;

  enum Format { text, json, sarif, junit }

  enum FailOn { enforce, warn, never }

  /** Kubernetes-style durations, and days. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim();
      if (v.matches("\\d+d")) {
        return Duration.ofDays(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      return dev.imagegate.config.ConfigLoader.duration(v);
    }
  }

  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = CheckOptions.class.getPackage().getImplementationVersion();
      return new String[] {"imagegate " + (version == null ? "(development build)" : version)};
    }
  }
}
