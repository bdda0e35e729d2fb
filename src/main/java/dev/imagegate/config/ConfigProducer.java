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

  @Produces
  @Singleton
  ImagegateConfig config() {
    if (configFile.isEmpty() || configFile.get().isBlank()) {
      Log.info("IMAGEGATE_CONFIG not set: using built-in defaults");
      return ImagegateConfig.defaults();
    }
    Log.infof("reading configuration from %s", configFile.get());
    return ConfigLoader.load(Path.of(configFile.get()));
  }
}
