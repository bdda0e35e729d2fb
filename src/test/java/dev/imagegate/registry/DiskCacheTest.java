package dev.imagegate.registry;

import static dev.imagegate.registry.RegistryTesting.await;
import static dev.imagegate.registry.RegistryTesting.insecure;
import static dev.imagegate.registry.RegistryTesting.ref;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.image.Digest;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.rules.secrets.StandIns;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.RegistryAccessLog;
import dev.imagegate.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk cache under the resolver, as successive runs of the CLI use it: each run a new resolver
 * (empty memory) over the same directory, against the real registry, counted in its access log.
 */
class DiskCacheTest {
  private static final Duration TTL = Duration.ofDays(7);
  private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC);

  static LocalRegistry registry;
  static TestImages images;
  static RegistryAccessLog log;

  @TempDir
  Path dir;
  final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() {
    registry = LocalRegistry.startPlain("disk-cache");
    images = TestImages.in(registry);
    log = registry.accessLog();
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  private DiskCache disk(Clock clock) {
    return DiskCache.open(dir, TTL, StandIns::of, warnings::add, clock);
  }

  /** One run: a resolver with nothing in memory. */
  private ResolvedImage run(DiskCache disk, ImageReference image) {
    try (ImageResolver resolver = RegistryTesting.resolver(insecure(registry.hostPort())).disk(disk).build()) {
      return await(resolver.resolve(image));
    }
  }

  private Path file(String digest) {
    Digest parsed = Digest.parse(digest);
    return dir.resolve("v1").resolve(parsed.algorithm()).resolve(parsed.hex() + ".json");
  }

  @Test
  void theNextRunAsksTheTagWithOneHeadAndReadsNoConfigBlobNorAnySecretValue() throws Exception {
    TestImages.Pushed leaky = images.push("shop/leaky", "1.0", TestImages.leaky());
    ImageReference image = ref(registry.hostPort(), "shop/leaky", "1.0");
    log.reset();

    ResolvedImage first = run(disk(NOW), image);
    assertThat(log.blobGets("shop/leaky")).isEqualTo(1);
    log.reset();
    ResolvedImage second = run(disk(NOW), image);

    assertThat(log.requests()).containsExactly(new RegistryAccessLog.Request("HEAD", "/v2/shop/leaky/manifests/1.0", 200));
    assertThat(second.manifestDigest()).isEqualTo(first.manifestDigest());
    ImageFacts facts = second.platforms().get(0);
    assertThat(facts.env()).containsExactly("PATH=0", "AWS_ACCESS_KEY_ID=AKIAWITHHELDBYIMAGEG", "AWS_SECRET_ACCESS_KEY=withheld");
    assertThat(facts.user()).isEqualTo("1000");
    assertThat(facts.configDigest()).isEqualTo(leaky.configDigest());
    assertThat(Files.readString(file(leaky.manifestDigest()))).doesNotContain("wJalrXUtnFEMI").doesNotContain("AKIAIOSFODNN7EXAMPLE");
    assertThat(warnings).isEmpty();
  }

  @Test
  void anIndexAndItsChildrenAreReadFromDiskToo() {
    TestImages.PushedIndex multi = images.pushIndex("shop/multi", "1.0", TestImages.Format.OCI, true,
        TestImages.nginx().platform("linux/amd64"), TestImages.nginx().platform("linux/arm64/v8"));
    ImageReference image = ref(registry.hostPort(), "shop/multi", "1.0");
    run(disk(NOW), image);
    log.reset();

    ResolvedImage again = run(disk(NOW), image);

    assertThat(log.requests()).containsExactly(new RegistryAccessLog.Request("HEAD", "/v2/shop/multi/manifests/1.0", 200));
    assertThat(again.manifestDigest()).hasToString(multi.digest());
    assertThat(again.platforms()).extracting(ImageFacts::platform).containsExactly("linux/amd64", "linux/arm64/v8");
  }

  @Test
  void aCorruptFileOrOneOfAnotherFormatIsAMissAndIsRewritten() throws Exception {
    TestImages.Pushed kong = images.push("shop/kong", "1.0", TestImages.kong());
    ImageReference image = ref(registry.hostPort(), "shop/kong", "1.0");
    run(disk(NOW), image);
    Path file = file(kong.manifestDigest());
    String whole = Files.readString(file);

    for (String damaged : List.of(whole.substring(0, whole.length() / 2), whole.replace("\"format\":1", "\"format\":2"), "")) {
      Files.writeString(file, damaged);
      log.reset();
      run(disk(NOW), image);
      assertThat(log.blobGets("shop/kong")).as(damaged).isEqualTo(1);
      assertThat(Files.readString(file)).isEqualTo(whole);
    }
    log.reset();
    run(disk(NOW), image);
    assertThat(log.blobGets("shop/kong")).isZero();
  }

  @Test
  void anEntryOlderThanTheTtlIsReadAgainFromTheRegistry() {
    images.push("shop/aged", "1.0", TestImages.distrolessNonroot());
    ImageReference image = ref(registry.hostPort(), "shop/aged", "1.0");
    run(disk(NOW), image);
    log.reset();

    run(disk(Clock.offset(NOW, TTL)), image);
    assertThat(log.blobGets("shop/aged")).isZero();
    run(disk(Clock.offset(NOW, TTL.plusMillis(1))), image);
    assertThat(log.blobGets("shop/aged")).isEqualTo(1);
  }

  @Test
  void aDirectoryThatCannotBeWrittenIsOneWarningAndNoCache() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    images.push("shop/nowhere", "1.0", TestImages.distrolessNonroot());

    DiskCache none = DiskCache.open(notADirectory, TTL, StandIns::of, warnings::add, NOW);
    ResolvedImage resolved = run(none, ref(registry.hostPort(), "shop/nowhere", "1.0"));

    assertThat(none).isSameAs(DiskCache.NONE);
    assertThat(warnings).singleElement().asString().startsWith("cannot write the image cache in " + notADirectory + " (")
        .endsWith("): running without it");
    assertThat(resolved.platforms().get(0).user()).isEqualTo("65532");
  }

  @Test
  void runsWritingTheSameEntryAtOnceNeverReadHalfAFile() throws Exception {
    List<String> history = IntStream.range(0, 1000).mapToObj(i -> "RUN /bin/sh -c echo step " + i + " # buildkit").toList();
    ImageFacts facts = new ImageFacts("linux/amd64", "sha256:" + "5".repeat(64), "1000", null, List.of("A=1"), history);
    FetchedImage image = FetchedImage.image(Digest.parse("sha256:" + "6".repeat(64)), facts);
    disk(NOW).save(image);
    ExecutorService runs = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> misses = new ArrayList<>();
      for (int run = 0; run < 4; run++) {
        DiskCache cache = disk(NOW);
        misses.add(runs.submit(() -> {
          int missed = 0;
          for (int i = 0; i < 100; i++) {
            cache.save(image);
            FetchedImage read = cache.load(image.manifestDigest());
            missed += read == null || !read.single().history().equals(history) ? 1 : 0;
          }
          return missed;
        }));
      }
      for (Future<Integer> missed : misses) {
        assertThat(missed.get()).isZero();
      }
    } finally {
      runs.shutdownNow();
    }
    assertThat(warnings).isEmpty();
  }
}
