package dev.imagegate.config;

import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Makes the configuration file available for injection; read once at start-up. */
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

  @Produces
  @Singleton
  ImagegateConfig config() {
    ImagegateConfig config;
    if (configFile.isEmpty() || configFile.get().isBlank()) {
      Log.info("IMAGEGATE_CONFIG not set: using built-in defaults");
      config = ImagegateConfig.defaults();
    } else {
      Log.infof("reading configuration from %s", configFile.get());
      config = ConfigLoader.load(Path.of(configFile.get()));
    }
    return cli ? config.awayFromCluster(cliDockerConfig.filter(path -> !path.isBlank()).orElse(null)) : config;
  }
}
