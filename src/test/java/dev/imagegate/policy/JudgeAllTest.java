package dev.imagegate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.Mode;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.ImageFetchException;
import dev.imagegate.registry.ResolvedImage;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.ContainerKind;
import dev.imagegate.rules.ImageConfigs;
import dev.imagegate.rules.Rule;
import dev.imagegate.rules.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batch the background audit uses: each distinct image read once, a bounded number at a time, and each rule's outcome. */
class JudgeAllTest {
  private static final Rule ROOT = new Rule() {
    public String id() {
      return "root";
    }

    public List<Violation> check(ContainerContext c, ImageFacts image) {
      return image.user().isEmpty() && c.runAsUser() == null ? List.of(new Violation("root", "runs as root")) : List.of();
    }
  };

  private final ScheduledExecutorService registryThreads = Executors.newScheduledThreadPool(8);
  private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();

  /** Answers after 30 ms, on another thread, like a registry; repositories named "missing*" do not exist. */
  private final ImageSource slowRegistry = ref -> {
    reads.computeIfAbsent(ref.repository(), r -> new AtomicInteger()).incrementAndGet();
    mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    CompletableFuture<ResolvedImage> answer = new CompletableFuture<>();
    registryThreads.schedule(() -> {
      inFlight.decrementAndGet();
      if (ref.repository().startsWith("missing")) {
        answer.completeExceptionally(new ImageFetchException("docker.io/" + ref.repository() + ": manifest unknown (HTTP 404)"));
      } else {
        answer.complete(new ResolvedImage(ref, ImageConfigs.ANY_MANIFEST,
            List.of(new ImageFacts("linux/amd64", "sha256:c", "", null, List.of(), List.of()))));
      }
    }, 30, TimeUnit.MILLISECONDS);
    return answer;
  };

  @AfterEach
  void stop() {
    registryThreads.shutdownNow();
  }

  private static ContainerContext container(String repository, Long runAsUser) {
    return new ContainerContext("c", ContainerKind.CONTAINER, repository + ":1",
        new ImageReference(repository + ":1", "docker.io", repository, "1", null), runAsUser, null, false, List.of());
  }

  @Test
  void eachDistinctImageIsReadOnceAndNoMoreThanTheConcurrencyAtOnce() throws Exception {
    PolicyEngine engine = new PolicyEngine(ConfigLoader.parse(""), List.of(ROOT), slowRegistry);
    List<Subject> subjects = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      subjects.add(new Subject("ns" + (i % 3), null, List.of(container("app" + (i % 12), null))));
    }
    List<Judgement> judgements = engine.judgeAll(subjects, 2);
    assertThat(judgements).hasSize(60).allMatch(j -> j.rules().get("root") == RuleOutcome.VIOLATED);
    assertThat(reads).hasSize(12).allSatisfy((repository, count) -> assertThat(count).hasValue(1));
    assertThat(mostInFlight.get()).isLessThanOrEqualTo(2);
  }

  @Test
  void outcomesSayPassedViolatedNotEvaluatedAndExempt() throws Exception {
    PolicyEngine engine = new PolicyEngine(
        ConfigLoader.parse("rules:\n  root:\n    exemptions:\n      images: ['exempt:*']\n"), List.of(ROOT), slowRegistry);
    List<Judgement> judgements = engine.judgeAll(List.of(
        new Subject("a", null, List.of(container("app", 1000L))),
        new Subject("a", null, List.of(container("app", null))),
        new Subject("a", null, List.of(container("missing", null))),
        new Subject("a", null, List.of(container("exempt", null))),
        new Subject("a", Mode.OFF, List.of(container("app", null)))), 4);
    assertThat(judgements).extracting(j -> j.rules().get("root")).containsExactly(
        RuleOutcome.PASSED, RuleOutcome.VIOLATED, RuleOutcome.NOT_EVALUATED, RuleOutcome.EXEMPT, null);
    assertThat(judgements.get(2).verdict().findings()).extracting(Finding::ruleId).containsExactly(PolicyEngine.IMAGE_UNAVAILABLE);
    assertThat(judgements.get(4).verdict().findings()).isEmpty();
    assertThat(reads).doesNotContainKey("exempt");
  }

  @Test
  void theNamespaceModeGivesTheFindingsTheirMode() throws Exception {
    PolicyEngine engine = new PolicyEngine(ConfigLoader.parse("mode: enforce\n"), List.of(ROOT), slowRegistry);
    List<Judgement> judgements = engine.judgeAll(List.of(
        new Subject("a", Mode.AUDIT, List.of(container("app", null))),
        new Subject("b", null, List.of(container("app", null)))), 2);
    assertThat(judgements.get(0).verdict().denied()).isFalse();
    assertThat(judgements.get(0).verdict().findings()).extracting(Finding::mode).containsExactly(Mode.AUDIT);
    assertThat(judgements.get(1).verdict().denied()).isTrue();
  }

  @Test
  void withPullSecretsAnImageIsReadOncePerPullContext() throws Exception {
    List<Subject> subjects = List.of(
        new Subject("a", null, new dev.imagegate.registry.PullContext("a", null, List.of("regcred")), List.of(container("app", null))),
        new Subject("a", null, new dev.imagegate.registry.PullContext("a", null, List.of("regcred")), List.of(container("app", null))),
        new Subject("b", null, List.of(container("app", null))));
    new PolicyEngine(ConfigLoader.parse(""), List.of(ROOT), slowRegistry).judgeAll(subjects, 2);
    assertThat(reads.get("app")).as("without pull secrets: once").hasValue(1);
    reads.clear();
    new PolicyEngine(ConfigLoader.parse("registries:\n  usePullSecrets: true\n"), List.of(ROOT), slowRegistry).judgeAll(subjects, 2);
    assertThat(reads.get("app")).as("with pull secrets: once per pod's credentials").hasValue(2);
  }

  @Test
  void eachRuleRunStatesItsStatusPerContainerAndWhyItCouldNotJudge() throws Exception {
    PolicyEngine engine = new PolicyEngine(
        ConfigLoader.parse("rules:\n  root:\n    exemptions:\n      images: ['exempt:*']\n"), List.of(ROOT), slowRegistry);
    ContainerContext invalid = dev.imagegate.rules.Containers.container().name("bad").unparseableImage("Not A Valid/Ref").build();
    Judgement judgement = engine.judgeAll(List.of(new Subject("a", null, List.of(
        container("app", null), container("missing", null), container("exempt", null), invalid))), 2).get(0);

    assertThat(judgement.statuses()).extracting(RuleStatus::outcome).containsExactly(
        RuleOutcome.VIOLATED, RuleOutcome.NOT_EVALUATED, RuleOutcome.EXEMPT, RuleOutcome.NOT_EVALUATED);
    assertThat(judgement.statuses().get(1).reason()).isEqualTo("docker.io/missing: manifest unknown (HTTP 404)");
    assertThat(judgement.statuses().get(3).reason()).startsWith("invalid image reference: ");
    assertThat(judgement.verdict().findings()).filteredOn(f -> f.ruleId().equals(PolicyEngine.IMAGE_REFERENCE))
        .extracting(Finding::message).singleElement()
        .isEqualTo(dev.imagegate.image.ParsedReferences.parse("Not A Valid/Ref").problem()); // the parser's own words, parsed once
    assertThat(judgement.rules()).containsEntry("root", RuleOutcome.VIOLATED);
  }
}
