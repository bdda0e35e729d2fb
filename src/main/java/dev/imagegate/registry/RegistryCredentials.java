package dev.imagegate.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.registry.credentials.DockerConfigCredentialRetriever;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Registry credentials from a docker {@code config.json} ({@code auths}, {@code credHelpers},
 * {@code credsStore}, read with jib-core's {@link DockerConfigCredentialRetriever}), matched to the
 * host imagegate talks to (a mirror's own host for a mirror; {@code registry-1.docker.io} with its
 * aliases {@code docker.io}, {@code index.docker.io} for Docker Hub). What the file gives for a
 * host is remembered for {@value #REREAD_SECONDS} s, so a rotated Secret is picked up within that
 * time and a credential helper does not run for every admission.
 */
final class RegistryCredentials {
  static final long REREAD_SECONDS = 10;

  private final Path dockerConfig;
  private final Consumer<LogEvent> logger;
  private final Cache<String, Optional<Credential>> byHost =
      Caffeine.newBuilder().maximumSize(1024).expireAfterWrite(Duration.ofSeconds(REREAD_SECONDS)).build();

  RegistryCredentials(String dockerConfig, Consumer<LogEvent> logger) {
    this.dockerConfig = dockerConfig == null || dockerConfig.isBlank() ? null : Path.of(dockerConfig);
    this.logger = logger;
  }

  /** The credential for {@code host}, or empty for anonymous access. */
  Optional<Credential> forHost(String host) throws ImageFetchException {
    if (dockerConfig == null) {
      return Optional.empty();
    }
    Optional<Credential> known = byHost.getIfPresent(host);
    if (known != null) {
      return known;
    }
    Optional<Credential> read = read(host);
    byHost.put(host, read);
    return read;
  }

  private Optional<Credential> read(String host) throws ImageFetchException {
    try {
      return DockerConfigCredentialRetriever.create(host, dockerConfig).retrieve(logger);
    } catch (JsonProcessingException e) {
      // The parser's own message may quote the file, secrets included: only say where.
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new ImageFetchException(ErrorReason.INVALID, "cannot read registry credentials from " + dockerConfig + ": malformed JSON" + where);
    } catch (IOException | RuntimeException e) {
      throw new ImageFetchException(ErrorReason.INVALID, "cannot read registry credentials from " + dockerConfig);
    }
  }
}
