package dev.imagegate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.ErrorReason;
import dev.imagegate.registry.ImageFetchException;
import dev.imagegate.registry.ResolvedImage;
import dev.imagegate.registry.StaleFacts;
import dev.imagegate.rules.ImageConfigs;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StaleNoticeTest {
  private static CompletableFuture<ResolvedImage> image(String reference, StaleFacts stale) {
    return CompletableFuture.completedFuture(new ResolvedImage(ImageReference.parse(reference), ImageConfigs.ANY_MANIFEST, List.of(), stale));
  }

  @Test
  void oneNoticeWithTheOldestAgeAndEachRegistryOnce() {
    StaleNotice notice = StaleNotice.of(List.of(
        image("nginx:1.27", new StaleFacts("docker.io", Duration.ofSeconds(70), ErrorReason.IO)),
        image("ghcr.io/acme/app:1", null),
        image("python:3.12", new StaleFacts("docker.io", Duration.ofMinutes(5), ErrorReason.TIMEOUT)),
        image("quay.io/acme/db:2", new StaleFacts("quay.io", Duration.ofSeconds(61), ErrorReason.RATE_LIMITED)),
        CompletableFuture.failedFuture(new ImageFetchException(ErrorReason.IO, "never seen: connection refused")),
        new CompletableFuture<>()));

    assertThat(notice).isEqualTo(new StaleNotice(Duration.ofMinutes(5), List.of("docker.io", "quay.io")));
    assertThat(notice.describe(109)).isEqualTo("judged on registry facts from 5m ago: docker.io, quay.io unreachable");
  }

  @Test
  void confirmedFactsGiveNoNotice() {
    assertThat(StaleNotice.of(List.of(image("nginx:1.27", null)))).isNull();
  }

  @Test
  void agesReadAsKubectlWritesThem() {
    assertThat(StaleNotice.age(Duration.ofSeconds(59))).isEqualTo("59s");
    assertThat(StaleNotice.age(Duration.ofSeconds(60))).isEqualTo("1m");
    assertThat(StaleNotice.age(Duration.ofSeconds(61))).isEqualTo("1m1s");
    assertThat(StaleNotice.age(Duration.ofMinutes(125))).isEqualTo("2h5m");
    assertThat(StaleNotice.age(Duration.ofHours(26))).isEqualTo("26h");
  }
}
