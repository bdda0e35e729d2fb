package dev.imagegate.registry;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.imagegate.config.CacheSettings;
import dev.imagegate.image.Digest;
import dev.imagegate.image.ImageConfigParser;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.Containers;
import dev.imagegate.rules.NoSecretsInEnvRule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Memory benchmark (not a test: no {@code *Test} name, JUnit does not run it): the heap retained by
 * the resolver's image cache holding {@code N} (default 10,000) distinct images, each a realistic
 * config (15 env entries, 20 history lines) parsed by the production {@link ImageConfigParser} and
 * stored through the production cache ({@link ImageCache#store}, as a fetch stores it: the facts by
 * manifest digest, the tag and the access entry), then judged once by {@code no-secrets-in-env} so
 * its per-image memo is counted too. Prints the heap used after full GCs before and after, and the
 * difference. In the registry package, beside the cache it measures, to build it as the resolver does.
 *
 * <p>{@code bench/cache-heap.sh [N]}
 */
public final class CacheHeapBench {
  private CacheHeapBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    ImageCache cache = new ImageCache(CacheSettings.defaults(), new RegistryMetrics(new SimpleMeterRegistry()), Ticker.systemTicker(),
        Duration.ofSeconds(8));
    NoSecretsInEnvRule rule = new NoSecretsInEnvRule(new NoSecretsInEnvRule.Options(null, null));
    ContainerContext container = Containers.container().build();

    long before = usedAfterGc();
    long envChars = 0;
    long historyChars = 0;
    for (int i = 0; i < n; i++) {
      byte[] config = config(i);
      ImageFacts facts = ImageConfigParser.parse("linux/amd64", Digest.sha256(config).toString(), config);
      envChars += facts.env().stream().mapToInt(String::length).sum();
      historyChars += facts.history().stream().mapToInt(String::length).sum();
      Digest manifestDigest = Digest.sha256(("manifest " + i).getBytes(StandardCharsets.UTF_8));
      ImageReference ref = ImageReference.parse("registry.example.com/team-" + (i % 50) + "/service-" + i + ":1." + (i % 7) + ".0");
      cache.store(ref, Principal.ANONYMOUS, FetchedImage.image(manifestDigest, facts));
      rule.check(container, facts);
    }
    long after = usedAfterGc();
    double mib = (after - before) / 1048576.0;
    System.out.printf("images cached: %d (each ~%d env chars, ~%d history chars on average)%n",
        n, envChars / n, historyChars / n);
    System.out.printf("heap used after GC: before %.1f MiB, after %.1f MiB, retained by the cache %.1f MiB (%.0f bytes per image)%n",
        before / 1048576.0, after / 1048576.0, mib, (after - before) / (double) n);
    System.out.println("RETAINED_MIB " + String.format("%.1f", mib));
    if (cache.hashCode() == 42 && rule.hashCode() == 42) {
      System.out.println(); // keeps both reachable until here
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** A config shaped like an official image's: 15 env entries and 20 history lines, distinct per image. */
  private static byte[] config(int i) {
    StringBuilder env = new StringBuilder();
    String[] names = {"PATH", "LANG", "JAVA_HOME", "JAVA_VERSION", "APP_HOME", "APP_VERSION", "GOSU_VERSION",
        "PYTHON_VERSION", "PYTHON_SHA256", "PIP_VERSION", "NODE_VERSION", "YARN_VERSION", "TZ", "LOG_LEVEL", "SERVICE_NAME"};
    for (int e = 0; e < names.length; e++) {
      String value = switch (names[e]) {
        case "PATH" -> "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/app-" + i + "/bin";
        case "PYTHON_SHA256" -> HexFormat.of().formatHex(new byte[] {(byte) i, (byte) (i >> 8), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30});
        default -> names[e].toLowerCase() + "-" + i + "." + e;
      };
      env.append(e == 0 ? "" : ",").append('"').append(names[e]).append('=').append(value).append('"');
    }
    StringBuilder history = new StringBuilder();
    for (int h = 0; h < 20; h++) {
      String line = switch (h % 5) {
        case 0 -> "/bin/sh -c #(nop) ADD file:" + Integer.toHexString(i * 31 + h) + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 in / ";
        case 1 -> "/bin/sh -c #(nop)  CMD [\\\"bash\\\"]";
        case 2 -> "ENV APP_VERSION=1." + i + "." + h;
        case 3 -> "RUN |1 TARGETARCH=amd64 /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates curl netbase; rm -rf /var/lib/apt/lists/* # buildkit";
        default -> "COPY /src/build/app-" + i + ".jar /opt/app/app.jar # buildkit";
      };
      history.append(h == 0 ? "" : ",").append("{\"created\":\"2026-11-0").append(1 + h % 9)
          .append("T10:00:00Z\",\"created_by\":\"").append(line).append("\"}");
    }
    String json = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"10001\",\"Env\":[" + env
        + "],\"Cmd\":[\"/opt/app/bin/run\"],\"WorkingDir\":\"/opt/app\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
        + "\"history\":[" + history + "]}";
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
