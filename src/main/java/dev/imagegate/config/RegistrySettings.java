package dev.imagegate.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How imagegate reaches registries.
 *
 * @param mirrors registry host → endpoint to fetch from instead ({@code docker.io: http://127.0.0.1:5000});
 *     an {@code http://} endpoint is plain HTTP, a bare {@code host:port} or {@code https://} is HTTPS
 * @param insecure registry hosts ({@code host[:port]}) reached over plain HTTP
 * @param platforms platforms judged in a multi-platform image ({@code os/arch[/variant]})
 * @param onError what a registry failure does to the admission
 * @param timeout the most time spent on one image (manifest, index and config together)
 * @param dockerConfig path of a docker {@code config.json} with registry credentials, or {@code null}
 */
public record RegistrySettings(
    Map<String, String> mirrors,
    List<String> insecure,
    List<String> platforms,
    OnError onError,
    Duration timeout,
    String dockerConfig) {

  public static final List<String> DEFAULT_PLATFORMS = List.of("linux/amd64", "linux/arm64");

  public RegistrySettings {
    mirrors = mirrors == null ? Map.of() : Map.copyOf(mirrors);
    insecure = insecure == null ? List.of() : List.copyOf(insecure);
    platforms = platforms == null || platforms.isEmpty() ? DEFAULT_PLATFORMS : List.copyOf(platforms);
    onError = onError == null ? OnError.DENY : onError;
    timeout = timeout == null ? Duration.ofSeconds(8) : timeout;
  }

  public static RegistrySettings defaults() {
    return new RegistrySettings(null, null, null, null, null, null);
  }
}
