package dev.imagegate.registry;

import static dev.imagegate.registry.RegistryTesting.ref;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.CacheSettings;
import dev.imagegate.image.ImageReference;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.policy.Verdict;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.ContainerKind;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.RegistryAccessLog;
import dev.imagegate.testing.TestImages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
        ImageResolver resolver = new ImageResolver(RegistryTesting.insecure(registry.hostPort()), CacheSettings.defaults(), new SimpleMeterRegistry())) {
      TestImages.in(registry).push("team/web", "2.1", TestImages.nginx());
      RegistryAccessLog log = registry.accessLog();
      log.reset();
      PolicyEngine engine = RegistryFaultsTest.engine(resolver);
      ImageReference image = ref(registry.hostPort(), "team/web", "2.1");
      ContainerContext container = new ContainerContext("web", ContainerKind.CONTAINER, image.original(), image, null, null, true, List.of());
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

      assertThat(log.manifestGets("team/web")).isEqualTo(1);
      assertThat(log.blobGets("team/web")).isEqualTo(1);
      assertThat(log.requests()).hasSize(2);
    }
  }
}
