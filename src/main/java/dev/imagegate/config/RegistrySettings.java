package dev.imagegate.config;

import com.fasterxml.jackson.annotation.JsonCreator;
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
 * @param usePullSecrets read registry credentials from the pod's {@code imagePullSecrets} (or its
 *     service account's) through the Kubernetes API, as the kubelet does; needs RBAC to list and watch
 *     secrets and service accounts. Off by default: then no Kubernetes client is created
 * @param caBundles {@code host[:port]} → path of a PEM file of CA certificates trusted for that host,
 *     on top of the system trust store
 * @param maxConcurrentFetchesPerRegistry the most HTTP requests in flight to one host at once (so at most
 *     that many connections to it)
 * @param maxRetries retries of transient failures (HTTP 429, 5xx, connection reset) per image, all
 *     within {@code timeout}
 */
public record RegistrySettings(
    Map<String, String> mirrors,
    List<String> insecure,
    List<String> platforms,
    OnError onError,
    Duration timeout,
    String dockerConfig,
    Boolean usePullSecrets,
    Map<String, String> caBundles,
    Integer maxConcurrentFetchesPerRegistry,
    Integer maxRetries) {

  public static final List<String> DEFAULT_PLATFORMS = List.of("linux/amd64", "linux/arm64");
  public static final int DEFAULT_MAX_CONCURRENT_FETCHES_PER_REGISTRY = 8;
  public static final int DEFAULT_MAX_RETRIES = 2;

  @JsonCreator
  public RegistrySettings {
    mirrors = mirrors == null ? Map.of() : Map.copyOf(mirrors);
    insecure = insecure == null ? List.of() : List.copyOf(insecure);
    platforms = platforms == null || platforms.isEmpty() ? DEFAULT_PLATFORMS : List.copyOf(platforms);
    onError = onError == null ? OnError.DENY : onError;
    timeout = timeout == null ? Duration.ofSeconds(8) : timeout;
    usePullSecrets = usePullSecrets != null && usePullSecrets;
    caBundles = caBundles == null ? Map.of() : Map.copyOf(caBundles);
    maxConcurrentFetchesPerRegistry =
        maxConcurrentFetchesPerRegistry == null ? DEFAULT_MAX_CONCURRENT_FETCHES_PER_REGISTRY : maxConcurrentFetchesPerRegistry;
    if (maxConcurrentFetchesPerRegistry < 1) {
      throw new ConfigException("registries.maxConcurrentFetchesPerRegistry: must be at least 1, got " + maxConcurrentFetchesPerRegistry);
    }
    maxRetries = maxRetries == null ? DEFAULT_MAX_RETRIES : maxRetries;
    if (maxRetries < 0 || maxRetries > 10) {
      throw new ConfigException("registries.maxRetries: must be between 0 and 10, got " + maxRetries);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ConfigException("registries.timeout: must be positive, got " + timeout);
    }
  }

  /** The settings of the first version (no pull secrets, CA bundles, concurrency bound or retries): defaults for those. */
  public RegistrySettings(
      Map<String, String> mirrors, List<String> insecure, List<String> platforms, OnError onError, Duration timeout, String dockerConfig) {
    this(mirrors, insecure, platforms, onError, timeout, dockerConfig, null, null, null, null);
  }

  public static RegistrySettings defaults() {
    return new RegistrySettings(null, null, null, null, null, null, null, null, null, null);
  }

  /** These settings with pull secrets switched on or off. */
  public RegistrySettings withUsePullSecrets(boolean use) {
    return new RegistrySettings(mirrors, insecure, platforms, onError, timeout, dockerConfig, use, caBundles, maxConcurrentFetchesPerRegistry, maxRetries);
  }

  /** These settings with these per-host CA bundles. */
  public RegistrySettings withCaBundles(Map<String, String> bundles) {
    return new RegistrySettings(mirrors, insecure, platforms, onError, timeout, dockerConfig, usePullSecrets, bundles, maxConcurrentFetchesPerRegistry, maxRetries);
  }

  /** These settings with another per-registry concurrency bound. */
  public RegistrySettings withMaxConcurrentFetchesPerRegistry(int max) {
    return new RegistrySettings(mirrors, insecure, platforms, onError, timeout, dockerConfig, usePullSecrets, caBundles, max, maxRetries);
  }

  /** These settings with another timeout. */
  public RegistrySettings withTimeout(Duration newTimeout) {
    return new RegistrySettings(mirrors, insecure, platforms, onError, newTimeout, dockerConfig, usePullSecrets, caBundles, maxConcurrentFetchesPerRegistry, maxRetries);
  }

  /** These settings with a docker config.json path (null for none). */
  public RegistrySettings withDockerConfig(String path) {
    return new RegistrySettings(mirrors, insecure, platforms, onError, timeout, path, usePullSecrets, caBundles, maxConcurrentFetchesPerRegistry, maxRetries);
  }
}
