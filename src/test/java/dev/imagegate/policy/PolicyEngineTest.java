package dev.imagegate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.Mode;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.ErrorReason;
import dev.imagegate.registry.ImageFetchException;
import dev.imagegate.registry.ResolvedImage;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.ContainerKind;
import dev.imagegate.rules.ImageConfigs;
import dev.imagegate.rules.Rule;
import dev.imagegate.rules.Violation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Engine semantics with stand-in rules: modes, exemptions, one fetch per image, platforms, failures, deadline. */
class PolicyEngineTest {
  private static final Duration BUDGET = Duration.ofSeconds(2);

  /** Fires when the image user is empty. */
  private static final Rule ROOT = new Rule() {
    public String id() {
      return "root";
    }

    public List<Violation> check(ContainerContext c, ImageFacts image) {
      return image.user().isEmpty() ? List.of(new Violation("root", "runs as root")) : List.of();
    }
  };

  /** Fires on every container, without needing the image. */
  private static final Rule SPEC_ONLY = new Rule() {
    public String id() {
      return "spec";
    }

    public boolean needsImage() {
      return false;
    }

    public List<Violation> check(ContainerContext c, ImageFacts image) {
      assertThat(image).isNull();
      return List.of(new Violation("spec", "spec finding"));
    }
  };

  /** An optional rule (off by default) that fires on every container. */
  private static final Rule OPTIONAL = new Rule() {
    public String id() {
      return "optional";
    }

    public boolean onByDefault() {
      return false;
    }

    public List<Violation> check(ContainerContext c, ImageFacts image) {
      return List.of(new Violation("optional", "optional finding"));
    }
  };

  private final Map<String, ResolvedImage> registry = new ConcurrentHashMap<>();
  private final AtomicInteger fetches = new AtomicInteger();

  private final ImageSource source = ref -> {
    fetches.incrementAndGet();
    ResolvedImage image = registry.get(ref.repository());
    return image == null
        ? CompletableFuture.failedFuture(
            new ImageFetchException(ErrorReason.NOT_FOUND, ref.registry() + "/" + ref.repository() + ": manifest unknown (HTTP 404)"))
        : CompletableFuture.completedFuture(image);
  };

  private PolicyEngine engine(String yaml, ImageSource images) {
    return new PolicyEngine(ConfigLoader.parse(yaml), List.of(ROOT, SPEC_ONLY), images);
  }

  private static ImageReference ref(String repository) {
    return new ImageReference(repository + ":1", "docker.io", repository, "1", null);
  }

  private static ContainerContext container(String name, String repository) {
    return new ContainerContext(name, ContainerKind.CONTAINER, repository + ":1", ref(repository), null, null, false, List.of());
  }

  private void image(String repository, String... platformUsers) {
    List<ImageFacts> platforms = new java.util.ArrayList<>();
    String[] names = {"linux/amd64", "linux/arm64"};
    for (int i = 0; i < platformUsers.length; i++) {
      platforms.add(new ImageFacts(names[i], "sha256:c" + i, platformUsers[i], null, List.of(), List.of()));
    }
    registry.put(repository, new ResolvedImage(ref(repository), ImageConfigs.ANY_MANIFEST, platforms));
  }

  private Verdict judge(PolicyEngine engine, ContainerContext... containers) {
    return engine.judge("apps", List.of(containers), BUDGET).join();
  }

  @Test
  void eachDistinctImageIsFetchedOnceAndEveryContainerJudged() {
    image("app", "");
    Verdict verdict = judge(engine("", source), container("a", "app"), container("b", "app"));
    assertThat(fetches).hasValue(1);
    assertThat(verdict.findings()).extracting(Finding::container, Finding::ruleId)
        .containsExactlyInAnyOrder(
            tuple("a", "root"), tuple("a", "spec"),
            tuple("b", "root"), tuple("b", "spec"));
    assertThat(verdict.denied()).isTrue();
  }

  @Test
  void ruleModeOverridesGlobalMode() {
    image("app", "");
    Verdict verdict = judge(engine("mode: audit\nrules:\n  root:\n    mode: enforce\n", source), container("a", "app"));
    assertThat(verdict.findings()).extracting(Finding::ruleId, Finding::mode)
        .containsExactlyInAnyOrder(
            tuple("root", Mode.ENFORCE), tuple("spec", Mode.AUDIT));
  }

  @Test
  void ruleSwitchedOffIsNotJudgedAndNeedsNoFetch() {
    Verdict verdict = judge(engine("rules:\n  root:\n    mode: off\n", source), container("a", "missing"));
    assertThat(fetches).hasValue(0);
    assertThat(verdict.findings()).extracting(Finding::ruleId).containsExactly("spec");
  }

  @Test
  void globallyExemptImageIsNotJudgedAtAll() {
    Verdict verdict = judge(engine("exemptions:\n  images: ['app:*']\n", source), container("a", "app"));
    assertThat(verdict.findings()).isEmpty();
    assertThat(fetches).hasValue(0);
  }

  @Test
  void ruleExemptionMatchesTheImageAsWrittenOrNormalised() {
    ImageReference nginx = ImageReference.parse("nginx:1.27");
    registry.put(nginx.repository(), new ResolvedImage(nginx, ImageConfigs.ANY_MANIFEST,
        List.of(new ImageFacts("linux/amd64", "sha256:c", "", null, List.of(), List.of()))));
    ContainerContext web = new ContainerContext("web", ContainerKind.CONTAINER, "nginx:1.27", nginx, null, null, false, List.of());
    for (String glob : List.of("nginx:*", "docker.io/library/nginx:*")) {
      Verdict verdict = judge(engine("rules:\n  root:\n    exemptions:\n      images: ['" + glob + "']\n", source), web);
      assertThat(verdict.findings()).extracting(Finding::ruleId).containsExactly("spec");
    }
  }

  @Test
  void ruleExemptionByNamespace() {
    image("app", "");
    Verdict verdict = judge(engine("rules:\n  root:\n    exemptions:\n      namespaces: [apps]\n", source), container("a", "app"));
    assertThat(verdict.findings()).extracting(Finding::ruleId).containsExactly("spec");
  }

  @Test
  void violationOnSomePlatformsSaysWhich() {
    image("app", "", "1000");
    Verdict verdict = judge(engine("", source), container("a", "app"));
    assertThat(verdict.findings()).filteredOn(f -> f.ruleId().equals("root"))
        .extracting(Finding::message).containsExactly("runs as root (on linux/amd64)");
  }

  @Test
  void sameViolationOnEveryPlatformIsReportedOnce() {
    image("app", "", "");
    Verdict verdict = judge(engine("", source), container("a", "app"));
    assertThat(verdict.findings()).filteredOn(f -> f.ruleId().equals("root"))
        .extracting(Finding::message).containsExactly("runs as root");
  }

  @Test
  void unreadableImageDeniesByDefaultAndNamesImageAndReason() {
    Verdict verdict = judge(engine("", source), container("a", "missing"));
    Finding unavailable = verdict.findings().stream().filter(f -> f.ruleId().equals(PolicyEngine.IMAGE_UNAVAILABLE)).findFirst().orElseThrow();
    assertThat(unavailable.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(unavailable.message()).contains("docker.io/missing").contains("404");
    assertThat(unavailable.reason()).isEqualTo(ErrorReason.NOT_FOUND); // as the registry client decided it, for logs and reports
    // rules that need no image are still judged
    assertThat(verdict.findings()).extracting(Finding::ruleId).contains("spec");
  }

  /** Reads the image, and finds something in the pod spec alone: a container named "bad". */
  private static final Rule WITH_SPEC_PART = new Rule() {
    public String id() {
      return "spec-part";
    }

    public List<Violation> check(ContainerContext c, ImageFacts image) {
      return checkWithoutImage(c);
    }

    public List<Violation> checkWithoutImage(ContainerContext c) {
      return c.name().equals("bad") ? List.of(new Violation("spec-part", "bad by its spec")) : List.of();
    }
  };

  @Test
  void whatARuleFindsInThePodSpecAloneStillCountsWhenTheImageCannotBeRead() throws Exception {
    PolicyEngine engine = new PolicyEngine(ConfigLoader.parse(""), List.of(ROOT, WITH_SPEC_PART), source);
    Judgement judgement = engine.judgeAll(List.of(new Subject("apps", null, List.of(container("bad", "missing"), container("good", "missing")))), 1)
        .get(0);

    assertThat(judgement.verdict().findings()).extracting(Finding::container, Finding::ruleId, Finding::message).containsExactly(
        tuple("bad", PolicyEngine.IMAGE_UNAVAILABLE, "docker.io/missing: manifest unknown (HTTP 404)"),
        tuple("bad", "spec-part", "bad by its spec"),
        tuple("good", PolicyEngine.IMAGE_UNAVAILABLE, "docker.io/missing: manifest unknown (HTTP 404)"));
    assertThat(judgement.statuses()).extracting(RuleStatus::container, RuleStatus::ruleId, RuleStatus::outcome).containsExactly(
        tuple("bad", "root", RuleOutcome.NOT_EVALUATED),
        tuple("bad", "spec-part", RuleOutcome.VIOLATED),
        tuple("good", "root", RuleOutcome.NOT_EVALUATED),
        tuple("good", "spec-part", RuleOutcome.NOT_EVALUATED));
    assertThat(judgement.rules()).containsEntry("root", RuleOutcome.NOT_EVALUATED).containsEntry("spec-part", RuleOutcome.VIOLATED);
  }

  @Test
  void onErrorAllowTurnsAnUnreadableImageIntoAWarning() {
    Verdict verdict = judge(engine("registries:\n  onError: allow\n", source), container("a", "missing"));
    assertThat(verdict.findings()).filteredOn(f -> f.ruleId().equals(PolicyEngine.IMAGE_UNAVAILABLE))
        .extracting(Finding::mode).containsExactly(Mode.WARN);
  }

  @Test
  void registryThatDoesNotAnswerWithinTheBudgetCountsAsUnavailable() {
    PolicyEngine engine = engine("", ref -> new CompletableFuture<>());
    long start = System.nanoTime();
    Verdict verdict = engine.judge("apps", List.of(container("a", "app")), Duration.ofMillis(200)).join();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(verdict.findings()).filteredOn(f -> f.ruleId().equals(PolicyEngine.IMAGE_UNAVAILABLE)).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("admission deadline"))
        .extracting(Finding::reason).isEqualTo(ErrorReason.TIMEOUT);
  }

  @Test
  void unparseableImageIsAFindingNotAnException() {
    ContainerContext bad = new ContainerContext("a", ContainerKind.CONTAINER, "Not A Valid/Ref", null, null, null, false, List.of());
    Verdict verdict = judge(engine("", source), bad);
    assertThat(verdict.findings()).extracting(Finding::ruleId).contains(PolicyEngine.IMAGE_REFERENCE);
    assertThat(fetches).hasValue(0);
  }

  @Test
  void unknownRuleInConfigIsRefusedAtStart() {
    assertThatThrownBy(() -> engine("rules:\n  run-as-nonroot:\n    mode: warn\n", source))
        .hasMessageContaining("run-as-nonroot").hasMessageContaining("known rules");
  }

  @Test
  void anOptionalRuleJudgesOnlyWithItsModeSet() {
    image("app", "1000");
    List<Rule> rules = List.of(ROOT, OPTIONAL);
    Verdict byDefault = judge(new PolicyEngine(ConfigLoader.parse(""), rules, source), container("a", "app"));
    Verdict on = judge(new PolicyEngine(ConfigLoader.parse("rules:\n  optional:\n    mode: warn\n"), rules, source), container("a", "app"));
    Verdict off = judge(new PolicyEngine(ConfigLoader.parse("rules:\n  optional:\n    mode: off\n"), rules, source), container("a", "app"));

    assertThat(byDefault.findings()).isEmpty();
    assertThat(on.findings()).extracting(Finding::ruleId, Finding::mode).containsExactly(tuple("optional", Mode.WARN));
    assertThat(off.findings()).isEmpty();
  }

  @Test
  void anOptionalRulesBlockWithoutModeIsRefusedAtStart() {
    assertThatThrownBy(() -> new PolicyEngine(ConfigLoader.parse("rules:\n  optional:\n    exemptions:\n      namespaces: [a]\n"),
        List.of(ROOT, OPTIONAL), source))
        .hasMessageContaining("rules.optional").hasMessageContaining("mode");
  }

  @Test
  void namespaceExemption() {
    PolicyEngine engine = engine("exemptions:\n  namespaces: [kube-system]\n", source);
    assertThat(engine.namespaceExempt("kube-system")).isTrue();
    assertThat(engine.namespaceExempt("apps")).isFalse();
  }

  @Test
  void findingDescribesContainerImageAndRule() {
    Finding f = new Finding("web", "nginx:1.27", "run-as-non-root", "runs as root", Mode.ENFORCE);
    assertThat(f.describe()).isEqualTo("container \"web\" (nginx:1.27): [run-as-non-root] runs as root");
    assertThat(f.reason()).isNull();
  }
}
