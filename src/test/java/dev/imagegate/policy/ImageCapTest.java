package dev.imagegate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.Mode;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.ResolvedImage;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.ContainerKind;
import dev.imagegate.rules.ImageConfigs;
import dev.imagegate.rules.Rule;
import dev.imagegate.rules.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.maxImagesPerRequest}: distinct images past the cap are not read, and one finding says
 * so — at admission ({@link PolicyEngine#judge}) and in the background audit ({@link PolicyEngine#judgeAll}).
 */
class ImageCapTest {
  /** Needs the image, finds nothing: only which images were read matters here. */
  private static final Rule READS_IMAGE = new Rule() {
    public String id() {
      return "reads-image";
    }

    public List<Violation> check(ContainerContext c, ImageFacts image) {
      return List.of();
    }
  };

  private final Set<String> read = ConcurrentHashMap.newKeySet();
  private final ImageSource registry = ref -> {
    read.add(ref.normalized());
    return CompletableFuture.completedFuture(new ResolvedImage(ref, ImageConfigs.ANY_MANIFEST,
        List.of(new ImageFacts("linux/amd64", "sha256:c", "65532", null, List.of(), List.of()))));
  };

  private static ContainerContext container(String name, String image) {
    ImageReference reference;
    try {
      reference = ImageReference.parse(image);
    } catch (RuntimeException e) {
      reference = null;
    }
    return new ContainerContext(name, ContainerKind.CONTAINER, image, reference, 1000L, null, true, List.of());
  }

  private static List<ContainerContext> distinct(int count) {
    List<ContainerContext> containers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      containers.add(container("c" + i, "registry.example.com/app:" + i));
    }
    return containers;
  }

  @Test
  void withinTheCapEverythingIsJudged() {
    List<ContainerContext> containers = List.of(container("a", "nginx:1.27"), container("b", "docker.io/library/nginx:1.27"),
        container("c", "python:3.12"));
    ImageCap.Capped capped = new ImageCap(2).apply(containers, Mode.ENFORCE);
    assertThat(capped.judged()).isEqualTo(containers);
    assertThat(capped.findings()).isEmpty();
  }

  @Test
  void imagesPastTheCapAreLeftOutWithOneFinding() {
    List<ContainerContext> containers = distinct(10);
    containers.add(container("again", "registry.example.com/app:1")); // an image already counted costs nothing
    containers.add(container("bad", "NOT A REFERENCE")); // nothing to read: never counted
    ImageCap.Capped capped = new ImageCap(3).apply(containers, Mode.ENFORCE);

    assertThat(capped.judged()).extracting(ContainerContext::name).containsExactly("c0", "c1", "c2", "again", "bad");
    assertThat(capped.findings()).singleElement().satisfies(finding -> {
      assertThat(finding.ruleId()).isEqualTo(PolicyEngine.IMAGE_UNAVAILABLE);
      assertThat(finding.container()).isEqualTo("c3");
      assertThat(finding.mode()).isEqualTo(Mode.ENFORCE);
      assertThat(finding.message()).startsWith("too many distinct images in one request (10 > 3, limits.maxImagesPerRequest): "
          + "7 containers with 7 images past the first 3 not read nor judged");
    });
  }

  @Test
  void atAdmissionExemptImagesAreNotCountedAndTheFindingFollowsOnError() {
    PolicyEngine engine = new PolicyEngine(ConfigLoader.parse("""
        exemptions: {images: ["registry.k8s.io/*"]}
        registries: {onError: allow}
        limits: {maxImagesPerRequest: 1}
        """), List.of(READS_IMAGE), registry);
    List<ContainerContext> containers = List.of(container("x1", "registry.k8s.io/pause:3.9"),
        container("x2", "registry.k8s.io/etcd:3.5"), container("a", "nginx:1.27"), container("b", "python:3.12"));
    Verdict verdict = engine.judge("apps", Mode.ENFORCE, containers, Duration.ofSeconds(5)).join();
    assertThat(read).containsExactly("docker.io/library/nginx:1.27");
    assertThat(verdict.findings()).singleElement().satisfies(f -> {
      assertThat(f.container()).isEqualTo("b");
      assertThat(f.mode()).as("registries.onError: allow warns").isEqualTo(Mode.WARN);
      assertThat(f.message()).contains("(2 > 1,").contains("1 container with 1 image");
      assertThat(f.reason()).as("no read failed: the images were not read").isNull();
    });
  }

  @Test
  void theBackgroundAuditReadsNoMoreImagesPerWorkloadThanAdmission() throws Exception {
    PolicyEngine engine = new PolicyEngine(ConfigLoader.parse("limits: {maxImagesPerRequest: 2}\n"), List.of(READS_IMAGE), registry);
    List<Judgement> judgements = engine.judgeAll(List.of(
        new Subject("apps", null, null, distinct(5)),
        new Subject("apps", null, null, List.of(container("small", "nginx:1.27")))), 2);

    assertThat(read).containsExactlyInAnyOrder("registry.example.com/app:0", "registry.example.com/app:1",
        "docker.io/library/nginx:1.27");
    Judgement big = judgements.get(0);
    assertThat(big.verdict().findings()).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("(5 > 2,").contains("3 containers with 3 images"));
    assertThat(big.rules()).as("a rule that reads images did not see them all")
        .containsEntry("reads-image", RuleOutcome.NOT_EVALUATED);
    assertThat(judgements.get(1).verdict().findings()).isEmpty();
    assertThat(judgements.get(1).rules()).containsEntry("reads-image", RuleOutcome.PASSED);
  }

  @Test
  void defaultCapIsOneHundred() {
    PolicyEngine engine = new PolicyEngine(ConfigLoader.parse(""), List.of(READS_IMAGE), registry);
    Verdict verdict = engine.judge("apps", null, distinct(101), Duration.ofSeconds(5)).join();
    assertThat(read).hasSize(100);
    assertThat(verdict.findings()).singleElement().satisfies(f -> assertThat(f.message()).contains("(101 > 100,"));
  }
}
