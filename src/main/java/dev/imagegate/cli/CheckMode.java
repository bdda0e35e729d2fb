package dev.imagegate.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * How the application runs for {@code check}: set before Quarkus starts, as system properties, so
 * they win over application.properties and the environment. No HTTP server and no management
 * interface (no port is opened), logs on standard error and only warnings (standard output is the
 * report's), the {@code --config} file as the webhook's configuration, with every feature that
 * needs a cluster off, the CI runner's registry credentials and the disk cache (docs/cli.md).
 */
final class CheckMode {
  private CheckMode() {}

  static void validate(CheckOptions options) {
    CommandLine spec = new CommandLine(options);
    if (options.files.isEmpty() && options.images.isEmpty()) {
      throw new CommandLine.ParameterException(spec, "nothing to judge: give manifests with -f FILE|DIR|- or images with --image REF");
    }
    if (options.config != null && !Main.readable(options.config)) {
      throw new CommandLine.ParameterException(spec, "--config " + options.config + ": no such readable file");
    }
    if (options.registryConfig != null && !Main.readable(options.registryConfig)) {
      throw new CommandLine.ParameterException(spec, "--registry-config " + options.registryConfig + ": no such readable file");
    }
    if (options.cacheTtl.isNegative() || options.cacheTtl.isZero()) {
      throw new CommandLine.ParameterException(spec, "--cache-ttl must be longer than 0 (use --no-cache for no cache)");
    }
    if (options.files.stream().filter("-"::equals).count() > 1) {
      throw new CommandLine.ParameterException(spec, "-f - (standard input) can be given only once");
    }
  }

  static void configure(CheckOptions options) {
    System.setProperty("quarkus.http.host-enabled", "false");
    System.setProperty("quarkus.management.host-enabled", "false");
    System.setProperty("quarkus.log.console.stderr", "true");
    System.setProperty("quarkus.log.level", "WARN");
    System.setProperty("quarkus.log.category.\"imagegate.decision\".level", "OFF");
    System.setProperty("imagegate.config", options.config == null ? "" : options.config.toAbsolutePath().toString());
    System.setProperty("imagegate.cli.enabled", "true");
    Path credentials = registryConfig(options.registryConfig);
    System.setProperty("imagegate.cli.docker-config", credentials == null ? "" : credentials.toString());
    Path cache = options.noCache || options.offline ? null : cacheDir(options.cacheDir);
    System.setProperty("imagegate.cli.cache-dir", cache == null ? "" : cache.toString());
    System.setProperty("imagegate.cli.cache-ttl", options.cacheTtl.toString());
  }

  /** {@code --cache-dir}, else {@code $XDG_CACHE_HOME/imagegate} (an absolute one, as the XDG spec says), else {@code ~/.cache/imagegate}. */
  static Path cacheDir(Path given) {
    if (given != null) {
      return given.toAbsolutePath();
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("imagegate");
  }

  /** {@code --registry-config}, else {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}, as docker reads them; null: none. */
  static Path registryConfig(Path given) {
    if (given != null) {
      return given.toAbsolutePath();
    }
    String dockerConfig = System.getenv("DOCKER_CONFIG");
    Path file = dockerConfig != null && !dockerConfig.isBlank()
        ? Path.of(dockerConfig, "config.json")
        : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    return Files.isRegularFile(file) ? file.toAbsolutePath() : null;
  }
}
