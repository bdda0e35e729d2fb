package dev.imagegate.config;

import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reads the configuration file at start-up. The {@link ImagegateConfig} it makes available for
 * injection is the configuration as at start: for what is set up once (see {@link RestartOnlyKeys});
 * what judges takes the configuration in force from {@code policy.LivePolicy}, which re-reads the file.
 */
@ApplicationScoped
public class ConfigProducer {

  /** {@code IMAGEGATE_CONFIG} in the environment; built-in defaults when unset. */
  @ConfigProperty(name = "imagegate.config")
  Optional<String> configFile;

  /** Set by {@code imagegate check}: the same file, judged away from any cluster (docs/cli.md). */
  @ConfigProperty(name = "imagegate.cli.enabled", defaultValue = "false")
  boolean cli;

  /** With {@code imagegate.cli.enabled}: the CI runner's docker config.json, or empty for none. */
  @ConfigProperty(name = "imagegate.cli.docker-config")
  Optional<String> cliDockerConfig;

  private Started started;

  /** The file's content and the configuration read from it at start. */
  public record Started(ConfigFile file, ImagegateConfig config) {}

  /** The configuration file, when one is set. */
  public Optional<Path> file() {
    return configFile.filter(path -> !path.isBlank()).map(Path::of);
  }

  /** Whether the file is re-read when it changes: in the webhook, not in {@code imagegate check}, which reads it once. */
  public boolean watched() {
    return file().isPresent() && !cli;
  }

  /** Read once; a wrong key stops the start, naming it. */
  public synchronized Started started() {
    if (started == null) {
      ConfigFile file;
      if (file().isEmpty()) {
        Log.info("IMAGEGATE_CONFIG not set: using built-in defaults");
        file = ConfigFile.NONE;
      } else {
        Log.infof("reading configuration from %s", file().get());
        file = ConfigFile.read(file().get());
      }
      ImagegateConfig config = file.parse();
      started = new Started(file, cli ? config.awayFromCluster(cliDockerConfig.filter(path -> !path.isBlank()).orElse(null)) : config);
    }
    return started;
  }

  @Produces
  @Singleton
  ImagegateConfig config() {
    return started().config();
  }
}
