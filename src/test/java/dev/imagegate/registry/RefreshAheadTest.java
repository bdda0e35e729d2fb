package dev.imagegate.registry;

import static dev.imagegate.registry.RegistryTesting.await;
import static dev.imagegate.registry.RegistryTesting.ref;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.CacheSettings;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.testing.FaultProxy;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.TestImages;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Refresh-ahead, in real time with a short {@code cache.tagTtl}: a tag used since its last
 * resolution is re-resolved in the background a fifth of the TTL before it ends, so the admission
 * after the TTL is answered from the cache; an unused tag is left to go stale.
 */
class RefreshAheadTest {
  static final Duration TAG_TTL = Duration.ofSeconds(2);

  static LocalRegistry registry;

  @BeforeAll
  static void start() {
    registry = LocalRegistry.startPlain("refresh");
    TestImages images = TestImages.in(registry);
    images.push("hot/app", "1.0", TestImages.nginx());
    images.push("cold/app", "1.0", TestImages.python());
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  @Test
  void aUsedTagIsReResolvedInTheBackgroundBeforeItsTtlEndsAndAnUnusedOneIsNot() throws Exception {
    ImageReference hot = ref(registry.hostPort(), "hot/app", "1.0");
    ImageReference cold = ref(registry.hostPort(), "cold/app", "1.0");
    try (ImageResolver resolver = RegistryTesting.resolver(RegistryTesting.insecure(registry.hostPort())).cache(CacheSettings.defaults().withTagTtl(TAG_TTL)).build()) {
      await(resolver.resolve(hot));
      await(resolver.resolve(cold));
      long resolved = System.nanoTime();
      registry.accessLog().reset();

      Thread.sleep(300);
      assertThat(resolver.resolve(hot)).as("fresh: from the cache").isDone(); // used since its resolution

      sleepUntil(resolved, TAG_TTL.plusMillis(300));
      assertThat(registry.accessLog().requests()).as("before anyone needed it again, the used tag was re-checked")
          .containsExactly(new dev.imagegate.testing.RegistryAccessLog.Request("HEAD", "/v2/hot/app/manifests/1.0", 200));

      CompletableFuture<ResolvedImage> afterTtl = resolver.resolve(hot);
      assertThat(afterTtl).as("past the TTL of the first resolution, the admission does not wait").isDone();
      assertThat(afterTtl.join().stale()).isNull();

      registry.accessLog().reset();
      await(resolver.resolve(cold));
      assertThat(registry.accessLog().count("HEAD", "^/v2/cold/app/manifests/1.0$")).as("the unused tag is re-checked when needed").isEqualTo(1);
    }
  }

  @Test
  void anOutageIsNoticedInTheBackgroundSoTheAdmissionAfterTheTtlDoesNotWait() throws Exception {
    Duration ttl = Duration.ofSeconds(3);
    try (FaultProxy proxy = FaultProxy.plain(registry);
        ImageResolver resolver = RegistryTesting.resolver(RegistryTesting.insecure(proxy.hostPort()).withTimeout(Duration.ofSeconds(1))).cache(CacheSettings.defaults().withTagTtl(ttl).withErrorTtl(Duration.ofSeconds(5))).build()) {
      ImageReference hot = ref(proxy.hostPort(), "hot/app", "1.0");
      await(resolver.resolve(hot));
      long resolved = System.nanoTime();
      assertThat(resolver.resolve(hot)).isDone(); // used
      proxy.clear();
      proxy.on("HEAD", "/v2/", -1, FaultProxy.reset()).on("GET", "/v2/", -1, FaultProxy.reset());

      sleepUntil(resolved, ttl.plusMillis(300));
      assertThat(proxy.requests()).as("the background re-check met the outage").isNotEmpty()
          .allMatch(request -> request.equals("HEAD /v2/hot/app/manifests/1.0"));
      int before = proxy.requests().size();

      CompletableFuture<ResolvedImage> afterTtl = resolver.resolve(hot);

      assertThat(afterTtl).as("answered at once from the last facts").isDone();
      assertThat(afterTtl.join().stale()).isNotNull();
      assertThat(afterTtl.join().stale().reason()).isEqualTo(ErrorReason.IO);
      assertThat(proxy.requests()).as("without asking the registry again").hasSize(before);
    }
  }

  @Test
  void aTagMovedToANewIndexHasTheChildrenAdmissionsUsedReadInTheBackground() throws Exception {
    TestImages images = TestImages.in(registry);
    images.pushIndex("moving/app", "1.0", TestImages.Format.OCI, false,
        TestImages.nginx().platform("linux/amd64"), TestImages.nginx().platform("linux/arm64"));
    ImageReference moving = ref(registry.hostPort(), "moving/app", "1.0");
    PlatformFilter amd64 = offered -> offered.stream().filter(name -> name.equals("linux/amd64")).toList();
    try (ImageResolver resolver = RegistryTesting.resolver(RegistryTesting.insecure(registry.hostPort())).cache(CacheSettings.defaults().withTagTtl(TAG_TTL)).build()) {
      await(resolver.resolve(moving, PullContext.NONE, Deadline.after(Duration.ofSeconds(5)), amd64));
      long resolved = System.nanoTime();
      TestImages.PushedIndex moved = images.pushIndex("moving/app", "1.0", TestImages.Format.OCI, false,
          TestImages.nginx().platform("linux/amd64").user("101"), TestImages.nginx().platform("linux/arm64").user("101"));
      registry.accessLog().reset();
      assertThat(resolver.resolve(moving, PullContext.NONE, Deadline.after(Duration.ofSeconds(5)), amd64)).isDone(); // used

      sleepUntil(resolved, TAG_TTL.plusMillis(300));
      assertThat(registry.accessLog().count("GET", "^/v2/moving/app/manifests/" + moved.platforms().get(0).manifestDigest() + "$"))
          .as("the amd64 child of the new index was read with it").isEqualTo(1);
      assertThat(registry.accessLog().count("GET", "^/v2/moving/app/manifests/" + moved.platforms().get(1).manifestDigest() + "$"))
          .as("the arm64 child no admission needed was not").isZero();

      CompletableFuture<ResolvedImage> afterTtl = resolver.resolve(moving, PullContext.NONE, Deadline.after(Duration.ofSeconds(5)), amd64);
      assertThat(afterTtl).as("the admission after the move does not wait").isDone();
      assertThat(afterTtl.join().platforms()).extracting(ImageFacts::user).containsExactly("101");
    }
  }

  private static void sleepUntil(long startNanos, Duration after) throws InterruptedException {
    long wait = (startNanos + after.toNanos() - System.nanoTime()) / 1_000_000;
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }
}
