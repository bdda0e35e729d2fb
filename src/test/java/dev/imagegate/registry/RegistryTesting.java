package dev.imagegate.registry;

import dev.imagegate.config.CacheSettings;
import dev.imagegate.config.RegistrySettings;
import dev.imagegate.image.ImageReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Helpers for the registry tests. */
final class RegistryTesting {
  private RegistryTesting() {}

  /** A reference as ImageReference.parse would give it (built directly: the parser is another package's). */
  static ImageReference ref(String registry, String repository, String tag, String digest) {
    StringBuilder original = new StringBuilder(registry).append('/').append(repository);
    if (tag != null) {
      original.append(':').append(tag);
    }
    if (digest != null) {
      original.append('@').append(digest);
    }
    return new ImageReference(original.toString(), registry, repository, tag, digest);
  }

  static ImageReference ref(String registry, String repository, String tag) {
    return ref(registry, repository, tag, null);
  }

  static RegistrySettings settings(List<String> insecure, Map<String, String> mirrors, Duration timeout) {
    return new RegistrySettings(mirrors, insecure, null, null, timeout, null);
  }

  static RegistrySettings insecure(String hostPort) {
    return settings(List.of(hostPort), Map.of(), Duration.ofSeconds(8));
  }

  /** Writes a docker config.json with one {@code auths} entry for {@code key} (a host, or https://host). */
  static Path dockerConfig(Path dir, String key, String user, String password) {
    String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    try {
      Path file = Files.createTempFile(dir, "docker-config-", ".json");
      return Files.writeString(file, "{\"auths\":{\"" + key + "\":{\"auth\":\"" + auth + "\"}}}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RegistrySettings withDockerConfig(RegistrySettings settings, Path dockerConfig) {
    return new RegistrySettings(
        settings.mirrors(), settings.insecure(), settings.platforms(), settings.onError(), settings.timeout(), dockerConfig == null ? null : dockerConfig.toString());
  }

  static CacheSettings cache() {
    return CacheSettings.defaults();
  }

  /** Waits for the future (at most 20 s) and returns its value. */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new CompletionException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits for the future to fail (at most 20 s) and returns the failure. */
  static Throwable failure(CompletableFuture<?> future) {
    try {
      future.get(20, TimeUnit.SECONDS);
      throw new AssertionError("expected the fetch to fail, got " + future.join());
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }
}
