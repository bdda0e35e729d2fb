package dev.imagegate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.Mode;
import dev.imagegate.image.ImageReference;
import dev.imagegate.policy.Finding;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.ContainerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@code limits.maxImagesPerRequest}: distinct images past the cap are not read, and one finding says so. */
class ImageCapTest {

  private static ImageCap cap(String yaml) {
    ImagegateConfig config = ConfigLoader.parse(yaml);
    PolicyEngine engine = new PolicyEngine(config, List.of(), ref -> CompletableFuture.failedFuture(new IllegalStateException()));
    return new ImageCap(config, engine);
  }

  private static ContainerContext container(String name, String image) {
    ImageReference reference;
    try {
      reference = ImageReference.parse(image);
    } catch (RuntimeException e) {
      reference = null;
    }
    return new ContainerContext(name, ContainerKind.CONTAINER, image, reference, 1000L, null, true, List.of());
  }

  @Test
  void withinTheCapEverythingIsJudged() {
    List<ContainerContext> containers = List.of(container("a", "nginx:1.27"), container("b", "docker.io/library/nginx:1.27"),
        container("c", "python:3.12"));
    ImageCap.Capped capped = cap("limits: {maxImagesPerRequest: 2}").apply(containers, null);
    assertThat(capped.judged()).isEqualTo(containers);
    assertThat(capped.findings()).isEmpty();
  }

  @Test
  void imagesPastTheCapAreLeftOutWithOneFinding() {
    List<ContainerContext> containers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      containers.add(container("c" + i, "registry.example.com/app:" + i));
    }
    containers.add(container("again", "registry.example.com/app:1")); // an image already counted costs nothing
    ImageCap.Capped capped = cap("limits: {maxImagesPerRequest: 3}").apply(containers, null);

    assertThat(capped.judged()).extracting(ContainerContext::name).containsExactly("c0", "c1", "c2", "again");
    Finding finding = capped.findings().get(0);
    assertThat(capped.findings()).hasSize(1);
    assertThat(finding.ruleId()).isEqualTo(PolicyEngine.IMAGE_UNAVAILABLE);
    assertThat(finding.container()).isEqualTo("c3");
    assertThat(finding.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(finding.message()).startsWith("too many distinct images in one request (10 > 3, limits.maxImagesPerRequest): "
        + "7 containers with 7 images past the first 3 not read nor judged");
  }

  @Test
  void exemptAndUnparseableImagesAreNotCountedAndTheFindingFollowsOnError() {
    List<ContainerContext> containers = List.of(container("x1", "registry.k8s.io/pause:3.9"), container("x2", "registry.k8s.io/etcd:3.5"),
        container("bad", "NOT A REFERENCE"), container("a", "nginx:1.27"), container("b", "python:3.12"));
    ImageCap.Capped capped = cap("""
        exemptions: {images: ["registry.k8s.io/*"]}
        registries: {onError: allow}
        limits: {maxImagesPerRequest: 1}
        """).apply(containers, Mode.ENFORCE);
    assertThat(capped.judged()).extracting(ContainerContext::name).containsExactly("x1", "x2", "bad", "a");
    assertThat(capped.findings()).singleElement().satisfies(f -> {
      assertThat(f.container()).isEqualTo("b");
      assertThat(f.mode()).as("registries.onError: allow warns").isEqualTo(Mode.WARN);
      assertThat(f.message()).contains("(2 > 1,").contains("1 container with 1 image");
    });
  }

  @Test
  void defaultCapIsOneHundred() {
    List<ContainerContext> containers = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      containers.add(container("c" + i, "registry.example.com/app:" + i));
    }
    ImageCap.Capped capped = cap("").apply(containers, null);
    assertThat(capped.judged()).hasSize(100);
    assertThat(capped.findings()).singleElement().satisfies(f -> assertThat(f.message()).contains("(101 > 100,"));
  }
}
