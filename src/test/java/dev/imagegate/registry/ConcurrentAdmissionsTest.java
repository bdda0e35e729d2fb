package dev.imagegate.registry;

import static dev.imagegate.registry.RegistryTesting.ref;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.ConfigLoader;
import dev.imagegate.image.ImageReference;
import dev.imagegate.policy.ImageSource;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.policy.Verdict;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.ContainerKind;
import dev.imagegate.rules.Containers;
import dev.imagegate.rules.PodPlatforms;
import dev.imagegate.rules.PodPlatforms.Dimension;
import dev.imagegate.rules.PodPlatforms.Requirement;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.RegistryAccessLog;
import dev.imagegate.testing.TestImages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A rollout: many admissions of one uncached image at the same moment read it from the registry once. */
class ConcurrentAdmissionsTest {
  static final int ADMISSIONS = 100;

  @Test
  void hundredConcurrentAdmissionsOfOneUncachedImageMakeOneManifestAndOneConfigRequest() throws Exception {
    try (LocalRegistry registry = LocalRegistry.startPlain("rollout");
        ImageResolver resolver = RegistryTesting.resolver(RegistryTesting.insecure(registry.hostPort())).build()) {
      TestImages.in(registry).push("team/web", "2.1", TestImages.nginx());
      RegistryAccessLog log = registry.accessLog();
      log.reset();
      PolicyEngine engine = RegistryFaultsTest.engine(resolver);
      ImageReference image = ref(registry.hostPort(), "team/web", "2.1");
      ContainerContext container = new ContainerContext("web", ContainerKind.CONTAINER, image.original(), image, null, null, true, List.of());
      admitAtOnce(engine, container);

      assertThat(log.manifestGets("team/web")).isEqualTo(1);
      assertThat(log.blobGets("team/web")).isEqualTo(1);
      assertThat(log.requests()).hasSize(2);
    }
  }

  @Test
  void hundredConcurrentAdmissionsOfAnUncachedIndexReadOnlyTheChildrenTheirPodsNeed() throws Exception {
    try (LocalRegistry registry = LocalRegistry.startPlain("rollout-index");
        ImageResolver resolver = RegistryTesting.resolver(RegistryTesting.insecure(registry.hostPort())).build()) {
      TestImages.PushedIndex index = TestImages.in(registry).pushIndex("team/multi", "2.1", TestImages.Format.OCI, true,
          TestImages.nginx().platform("linux/amd64"), TestImages.nginx().platform("linux/arm64/v8"), TestImages.nginx().platform("linux/ppc64le"),
          TestImages.nginx().platform("linux/s390x"), TestImages.nginx().user("ContainerUser").windows("10.0.20348.2227"));
      RegistryAccessLog log = registry.accessLog();
      log.reset();
      PolicyEngine engine = new PolicyEngine(ConfigLoader.parse(""), List.of(RegistryFaultsTest.ROOT), new ImageSource() {
        @Override
        public CompletableFuture<ResolvedImage> resolve(ImageReference reference) {
          return resolver.resolve(reference);
        }

        @Override
        public CompletableFuture<ResolvedImage> resolve(ImageReference reference, PullContext pod, Deadline deadline, PlatformFilter wanted) {
          return resolver.resolve(reference, pod, deadline, wanted);
        }
      });
      ImageReference image = ref(registry.hostPort(), "team/multi", "2.1");
      ContainerContext linux = Containers.container().name("web").image(image).build();
      admitAtOnce(engine, linux);

      // registries.platforms (linux/amd64, linux/arm64): the index and those two children, once
      assertThat(log.manifestGets("team/multi")).isEqualTo(3);
      assertThat(log.blobGets("team/multi")).isEqualTo(2);
      assertThat(log.requests()).hasSize(5);

      log.reset();
      ContainerContext windows = Containers.container().name("win").image(image)
          .platforms(new PodPlatforms(List.of(List.of(Requirement.in(Dimension.OS, "windows"))))).build();
      Verdict verdict = engine.judge("apps", List.of(windows), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);

      assertThat(verdict.findings()).isEmpty(); // ContainerUser is not root
      assertThat(log.requests()).extracting(RegistryAccessLog.Request::path).containsExactlyInAnyOrder(
          "/v2/team/multi/manifests/" + index.platforms().get(4).manifestDigest(),
          "/v2/team/multi/blobs/" + index.platforms().get(4).configDigest());
    }
  }

  /** ADMISSIONS admissions of one container released at the same moment; each is denied by the root rule alone. */
  private static void admitAtOnce(PolicyEngine engine, ContainerContext container) throws Exception {
    ExecutorService apiserver = Executors.newFixedThreadPool(ADMISSIONS);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<CompletableFuture<Verdict>>> admissions = new ArrayList<>();
      for (int i = 0; i < ADMISSIONS; i++) {
        admissions.add(apiserver.submit(() -> {
          go.await();
          return engine.judge("apps", List.of(container), Duration.ofSeconds(5));
        }));
      }
      go.countDown();
      for (Future<CompletableFuture<Verdict>> admission : admissions) {
        Verdict verdict = admission.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
        assertThat(verdict.findings()).singleElement().satisfies(f -> assertThat(f.ruleId()).isEqualTo("root"));
      }
    } finally {
      apiserver.shutdownNow();
    }
  }
}
