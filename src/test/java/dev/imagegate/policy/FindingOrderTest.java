package dev.imagegate.policy;

import static dev.imagegate.rules.Containers.container;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.ImageFetchException;
import dev.imagegate.registry.ResolvedImage;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.ContainerKind;
import dev.imagegate.rules.DisallowLatestTagRule;
import dev.imagegate.rules.ImageConfigs;
import dev.imagegate.rules.NoSecretsInEnvRule;
import dev.imagegate.rules.RequireHealthcheckRule;
import dev.imagegate.rules.Rule;
import dev.imagegate.rules.RuleOrder;
import dev.imagegate.rules.RunAsNonRootRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Findings come grouped by container in the order given, then in {@link RuleOrder}, whatever order the rules arrive in. */
class FindingOrderTest {
  private static final ImagegateConfig CONFIG = ConfigLoader.parse("mode: enforce\n");

  /** Root, no HEALTHCHECK, an AWS key in its env: breaks every image rule. */
  private static final ImageFacts LEAKY_ROOT =
      new ImageFacts("linux/amd64", "sha256:" + "a".repeat(64), "", null, List.of("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"), List.of());

  private static final ImageSource REGISTRY = reference -> reference.repository().endsWith("missing")
      ? CompletableFuture.failedFuture(new ImageFetchException(reference.normalized() + ": manifest unknown (HTTP 404)"))
      : CompletableFuture.completedFuture(new ResolvedImage(reference, ImageConfigs.ANY_MANIFEST, List.of(LEAKY_ROOT)));

  /** Init container, sidecar, app container, ephemeral container: in the order the pod spec lists them. */
  private static final List<ContainerContext> POD = List.of(
      container().name("migrate").kind(ContainerKind.INIT).image(ImageReference.parse("shop/migrate:latest")).build(),
      container().name("proxy").kind(ContainerKind.SIDECAR).image(ImageReference.parse("shop/missing")).build(),
      container().name("web").image(ImageReference.parse("shop/web:1.0")).env("DB_PASSWORD", "Zq8wL2vR9tYx4Kp").build(),
      container().name("debug").kind(ContainerKind.EPHEMERAL).unparseableImage("Shop/Debug:1").build());

  private static List<Rule> rules() {
    return List.of(new RunAsNonRootRule(CONFIG), new RequireHealthcheckRule(CONFIG), new DisallowLatestTagRule(CONFIG),
        new NoSecretsInEnvRule(CONFIG));
  }

  private static List<Finding> judge(List<Rule> rules) {
    return new PolicyEngine(CONFIG, rules, REGISTRY).judge("apps", POD, Duration.ofSeconds(5)).join().findings();
  }

  @Test
  void findingsFollowTheContainersThenPseudoRulesThenTheFixedRuleOrder() {
    assertThat(judge(rules())).extracting(Finding::container, Finding::ruleId).containsExactly(
        tuple("migrate", "disallow-latest-tag"),
        tuple("migrate", "run-as-non-root"),
        tuple("migrate", "no-secrets-in-env"),
        tuple("proxy", "image-unavailable"),
        tuple("proxy", "disallow-latest-tag"),
        tuple("web", "run-as-non-root"),
        tuple("web", "no-secrets-in-env"),
        tuple("web", "no-secrets-in-env"),
        tuple("web", "require-healthcheck"),
        tuple("debug", "image-reference"));
  }

  @Test
  void everyOrderOfTheRulesGivesTheSameFindings() {
    List<Finding> expected = judge(rules());
    for (List<Rule> order : permutations(rules())) {
      assertThat(judge(order)).as("rules given as %s", order.stream().map(Rule::id).toList()).isEqualTo(expected);
    }
  }

  @Test
  void ruleIdsAreInTheFixedOrderWhateverOrderTheRulesArriveIn() throws Exception {
    for (List<Rule> order : permutations(rules())) {
      Judgement judgement = new PolicyEngine(CONFIG, order, REGISTRY).judgeAll(List.of(new Subject("apps", null, List.of())), 1).get(0);
      assertThat(List.copyOf(judgement.rules().keySet()))
          .isEqualTo(RuleOrder.IDS.stream().filter(id -> order.stream().anyMatch(rule -> rule.id().equals(id))).toList());
    }
  }

  private static List<List<Rule>> permutations(List<Rule> rules) {
    if (rules.size() <= 1) {
      return List.of(rules);
    }
    List<List<Rule>> all = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      List<Rule> rest = new ArrayList<>(rules);
      Rule first = rest.remove(i);
      for (List<Rule> tail : permutations(rest)) {
        List<Rule> permutation = new ArrayList<>(List.of(first));
        permutation.addAll(tail);
        all.add(permutation);
      }
    }
    return all;
  }
}
