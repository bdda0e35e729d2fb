package dev.imagegate.registry;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.imagegate.config.CacheSettings;
import dev.imagegate.config.RegistrySettings;
import dev.imagegate.image.Digest;
import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.pullsecrets.PullSecretSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/** Helpers for the registry tests, and the way every test builds an {@link ImageResolver}. */
public final class RegistryTesting {
  private RegistryTesting() {}

  /** An {@link ImageResolver} with {@code registries}, default cache settings, the JVM's trust, no pull secrets. */
  public static ResolverBuilder resolver(RegistrySettings registries) {
    return new ResolverBuilder(registries);
  }

  /** Builds an {@link ImageResolver} without CDI; what is not set is the default. */
  public static final class ResolverBuilder {
    private final RegistrySettings registries;
    private CacheSettings cache = CacheSettings.defaults();
    private MeterRegistry meters = new SimpleMeterRegistry();
    private SSLContext tls;
    private PullSecretSource pullSecrets;
    private Ticker ticker = Ticker.systemTicker();
    private DiskCache disk = DiskCache.NONE;

    private ResolverBuilder(RegistrySettings registries) {
      this.registries = registries;
    }

    public ResolverBuilder cache(CacheSettings settings) {
      this.cache = settings;
      return this;
    }

    public ResolverBuilder meters(MeterRegistry registry) {
      this.meters = registry;
      return this;
    }

    /** Trust for HTTPS registries without a {@code registries.caBundles} entry (a test CA). */
    public ResolverBuilder tls(SSLContext context) {
      this.tls = context;
      return this;
    }

    /** Where pods' pull secrets come from (used when {@code registries.usePullSecrets} is on). */
    public ResolverBuilder pullSecrets(PullSecretSource source) {
      this.pullSecrets = source;
      return this;
    }

    /** The clock the caches' ages are read from, to age them at will. */
    public ResolverBuilder ticker(Ticker clock) {
      this.ticker = clock;
      return this;
    }

    /** What earlier resolvers (runs of the CLI) kept on disk. */
    public ResolverBuilder disk(DiskCache cache) {
      this.disk = cache;
      return this;
    }

    public ImageResolver build() {
      try {
        return new ImageResolver(registries, cache, meters, tls == null ? SSLContext.getDefault() : tls, pullSecrets, ticker, disk);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A reference as ImageReference.parse would give it (built directly: the parser is another package's). */
  static ImageReference ref(String registry, String repository, String tag, String digest) {
    StringBuilder original = new StringBuilder(registry).append('/').append(repository);
    if (tag != null) {
      original.append(':').append(tag);
    }
    if (digest != null) {
      original.append('@').append(digest);
    }
    return new ImageReference(original.toString(), registry, repository, tag, digest == null ? null : Digest.parse(digest));
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
