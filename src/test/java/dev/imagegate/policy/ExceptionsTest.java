package dev.imagegate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.imagegate.config.ConfigException;
import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.Mode;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.registry.ResolvedImage;
import dev.imagegate.rules.ImageConfigs;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.Rule;
import dev.imagegate.rules.Violation;
import dev.imagegate.workload.Workloads;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Exceptions in the one judging path: which violations each field lets through and which it does
 * not, "*", expiry by a clock the test sets, the warning before the end, and annotations.
 */
class ExceptionsTest {
  /** Fires when the image's user is empty (every image here). */
  private static final Rule ROOT = new Rule() {
    public String id() {
      return "root";
    }

    public List<Violation> check(ContainerContext c, ImageFacts image) {
      return image.user().isEmpty() ? List.of(new Violation("root", "runs as root")) : List.of();
    }
  };

  /** Fires on every container, without the image. */
  private static final Rule PROBE = new Rule() {
    public String id() {
      return "probe";
    }

    public boolean needsImage() {
      return false;
    }

    public List<Violation> check(ContainerContext c, ImageFacts image) {
      return List.of(new Violation("probe", "no probe"));
    }
  };

  /** Never fires. */
  private static final Rule CLEAN = new Rule() {
    public String id() {
      return "clean";
    }

    public boolean needsImage() {
      return false;
    }

    public List<Violation> check(ContainerContext c, ImageFacts image) {
      return List.of();
    }
  };

  private static final ImageSource ROOT_IMAGES = ref -> CompletableFuture.completedFuture(
      new ResolvedImage(ref, ImageConfigs.ANY_MANIFEST, List.of(new ImageFacts("linux/amd64", "sha256:c", "", null, List.of(), List.of()))));

  private static final Instant MARCH_1 = Instant.parse("2027-03-01T12:00:00Z");

  private static PolicyEngine engine(String yaml, Instant now) {
    return new PolicyEngine(ConfigLoader.parse(yaml), List.of(ROOT, PROBE, CLEAN), ROOT_IMAGES, Clock.fixed(now, ZoneOffset.UTC));
  }

  private static Judgement judge(String yaml, Instant now, HasMetadata object) throws InterruptedException {
    return engine(yaml, now).judgeAll(List.of(Workloads.of(object).subject(null)), 1).get(0);
  }

  private static Judgement judge(String yaml, HasMetadata object) throws InterruptedException {
    return judge(yaml, MARCH_1, object);
  }

  /** A pod in {@code namespace} with one container {@code app} of {@code image}, labelled team=billing. */
  private static PodBuilder pod(String namespace, String name, String image) {
    return new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).addToLabels("team", "billing").endMetadata()
        .withNewSpec().addToContainers(new ContainerBuilder().withName("app").withImage(image).build()).endSpec();
  }

  private static HasMetadata payments() {
    return pod("payments", "db-0", "registry.example.com/vendor/db:5.7").build();
  }

  private static String exception(String fields) {
    return "exceptions:\n  - name: vendor-db-root\n    reason: \"vendor image runs as root; ticket OPS-1234\"\n" + fields.indent(4);
  }

  private static List<String> excepted(Judgement judgement) {
    return judgement.verdict().excepted().stream().map(e -> e.exception() + ":" + e.finding().ruleId()).toList();
  }

  private static List<String> counted(Judgement judgement) {
    return judgement.verdict().findings().stream().map(Finding::ruleId).toList();
  }

  @Test
  void aCoveredViolationIsExceptedWithTheExceptionsNameAndReasonAndNeitherDeniesNorWarns() throws Exception {
    Judgement judgement = judge(exception("rules: [root]\nnamespaces: [payments]\n"), payments());

    assertThat(judgement.verdict().excepted()).singleElement().satisfies(e -> {
      assertThat(e.exception()).isEqualTo("vendor-db-root");
      assertThat(e.reason()).isEqualTo("vendor image runs as root; ticket OPS-1234");
      assertThat(e.finding().ruleId()).isEqualTo("root");
      assertThat(e.finding().mode()).isEqualTo(Mode.ENFORCE); // what it would have done
    });
    assertThat(counted(judgement)).containsExactly("probe"); // another rule: still a violation
    assertThat(judgement.rules()).containsEntry("root", RuleOutcome.EXCEPTED).containsEntry("probe", RuleOutcome.VIOLATED)
        .containsEntry("clean", RuleOutcome.PASSED);
    assertThat(judgement.statuses()).filteredOn(s -> s.ruleId().equals("root")).singleElement()
        .satisfies(s -> assertThat(s.reason()).isEqualTo("excepted by \"vendor-db-root\": vendor image runs as root; ticket OPS-1234"));
    assertThat(judgement.verdict().notices()).isEmpty(); // no end date
  }

  @Test
  void starCoversEveryRuleAndAWorkloadWithNothingLeftIsNotDenied() throws Exception {
    Judgement judgement = judge(exception("rules: [\"*\"]\nnamespaces: [payments]\n"), payments());

    assertThat(excepted(judgement)).containsExactlyInAnyOrder("vendor-db-root:root", "vendor-db-root:probe");
    assertThat(judgement.verdict().findings()).isEmpty();
    assertThat(judgement.verdict().denied()).isFalse();
  }

  @Test
  void namespacesAreGlobsAndRequiredToMatch() throws Exception {
    assertThat(excepted(judge(exception("rules: [root]\nnamespaces: [\"pay*\"]\n"), payments()))).containsExactly("vendor-db-root:root");
    Judgement elsewhere = judge(exception("rules: [root]\nnamespaces: [\"pay*\"]\n"), pod("shop", "db-0", "vendor/db:5.7").build());
    assertThat(elsewhere.verdict().excepted()).isEmpty();
    assertThat(counted(elsewhere)).containsExactlyInAnyOrder("root", "probe");
  }

  @Test
  void workloadsMatchKindAndNameGlobs() throws Exception {
    String yaml = exception("rules: [root]\nnamespaces: [payments]\nworkloads: [\"Pod/db-*\", StatefulSet/vendor-db]\n");
    assertThat(excepted(judge(yaml, payments()))).containsExactly("vendor-db-root:root");
    assertThat(judge(yaml, pod("payments", "web-0", "vendor/db:5.7").build()).verdict().excepted()).isEmpty();
    // the kind is part of the name: a Deployment called db-… is not a Pod/db-…
    assertThat(judge(yaml, deployment("db-main")).verdict().excepted()).isEmpty();
  }

  @Test
  void aDeploymentsExceptionCoversItsReplicaSetsAndPodsThroughTheirControllers() throws Exception {
    String yaml = exception("rules: [root]\nnamespaces: [payments]\nworkloads: [\"Deployment/legacy-*\"]\n");
    assertThat(excepted(judge(yaml, deployment("legacy-billing")))).containsExactly("vendor-db-root:root");
    HasMetadata replicaSetPod = pod("payments", "legacy-billing-5d9c7-x2x7k", "vendor/db:5.7")
        .editMetadata().addToLabels("pod-template-hash", "5d9c7")
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("legacy-billing-5d9c7")
        .withUid("u1").withController(true).endOwnerReference().endMetadata().build();
    assertThat(excepted(judge(yaml, replicaSetPod))).containsExactly("vendor-db-root:root");
    HasMetadata otherPod = pod("payments", "web-5d9c7-x2x7k", "vendor/db:5.7")
        .editMetadata().addToLabels("pod-template-hash", "5d9c7")
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-5d9c7")
        .withUid("u2").withController(true).endOwnerReference().endMetadata().build();
    assertThat(judge(yaml, otherPod).verdict().excepted()).isEmpty();
  }

  @Test
  void selectorMatchesTheWorkloadsLabels() throws Exception {
    assertThat(excepted(judge(exception("rules: [root]\nnamespaces: [payments]\nselector: {matchLabels: {team: billing}}\n"), payments())))
        .containsExactly("vendor-db-root:root");
    assertThat(judge(exception("rules: [root]\nnamespaces: [payments]\nselector: {matchLabels: {team: search}}\n"), payments())
        .verdict().excepted()).isEmpty();
    String notIn = "rules: [root]\nnamespaces: [payments]\nselector:\n  matchExpressions: [{key: team, operator: NotIn, values: [billing]}]\n";
    assertThat(judge(exception(notIn), payments()).verdict().excepted()).isEmpty();
  }

  @Test
  void containersMatchTheContainersName() throws Exception {
    HasMetadata twoContainers = pod("payments", "db-0", "vendor/db:5.7")
        .editSpec().addToContainers(new ContainerBuilder().withName("metrics").withImage("vendor/db:5.7").build()).endSpec().build();
    Judgement judgement = judge(exception("rules: [root]\nnamespaces: [payments]\ncontainers: [\"ap?\"]\n"), twoContainers);
    assertThat(judgement.verdict().excepted()).extracting(e -> e.finding().container()).containsExactly("app");
    assertThat(judgement.verdict().findings()).extracting(Finding::container, Finding::ruleId)
        .contains(tuple("metrics", "root"));
    assertThat(judgement.rules()).containsEntry("root", RuleOutcome.VIOLATED); // one container still violates it
  }

  @Test
  void imagesMatchAsWrittenOrNormalised() throws Exception {
    HasMetadata hub = pod("payments", "db-0", "postgres:16").build();
    assertThat(excepted(judge(exception("rules: [root]\nnamespaces: [payments]\nimages: [\"postgres:*\"]\n"), hub)))
        .containsExactly("vendor-db-root:root");
    assertThat(excepted(judge(exception("rules: [root]\nnamespaces: [payments]\nimages: [\"docker.io/library/postgres:*\"]\n"), hub)))
        .containsExactly("vendor-db-root:root");
    assertThat(judge(exception("rules: [root]\nnamespaces: [payments]\nimages: [\"mysql:*\"]\n"), hub).verdict().excepted()).isEmpty();
  }

  @Test
  void aRuleThatPassesNeedsNoException() throws Exception {
    Judgement judgement = judge(exception("rules: [clean]\nnamespaces: [payments]\nexpires: 2027-03-05\n"), payments());
    assertThat(judgement.verdict().excepted()).isEmpty();
    assertThat(judgement.verdict().notices()).isEmpty(); // it applied to nothing: nobody to warn
    assertThat(judgement.rules()).containsEntry("clean", RuleOutcome.PASSED);
  }

  @Test
  void anExceptionAppliesUntilTheEndOfItsExpiresDayInUtcAndNotAMomentLonger() throws Exception {
    String yaml = exception("rules: [root]\nnamespaces: [payments]\nexpires: 2027-03-31\n");
    assertThat(excepted(judge(yaml, Instant.parse("2027-03-30T12:00:00Z"), payments()))).containsExactly("vendor-db-root:root");
    Judgement lastSecond = judge(yaml, Instant.parse("2027-03-31T23:59:59Z"), payments());
    assertThat(excepted(lastSecond)).containsExactly("vendor-db-root:root");
    assertThat(lastSecond.verdict().notices()).containsExactly("exception \"vendor-db-root\" ends today (end of 2027-03-31 UTC)");

    Judgement after = judge(yaml, Instant.parse("2027-04-01T00:00:00Z"), payments());
    assertThat(after.verdict().excepted()).isEmpty();
    assertThat(counted(after)).containsExactlyInAnyOrder("root", "probe");
    assertThat(after.verdict().denied()).isTrue();
    assertThat(after.verdict().notices()).isEmpty();
  }

  @Test
  void withinFourteenDaysOfItsEndEachAdmissionItCoversIsWarnedOnce() throws Exception {
    String yaml = exception("rules: [\"*\"]\nnamespaces: [payments]\nexpires: 2027-03-31\n");
    HasMetadata twoContainers = pod("payments", "db-0", "vendor/db:5.7")
        .editSpec().addToContainers(new ContainerBuilder().withName("metrics").withImage("vendor/db:5.7").build()).endSpec().build();

    Judgement fiveDays = judge(yaml, Instant.parse("2027-03-26T08:00:00Z"), twoContainers);
    assertThat(fiveDays.verdict().excepted()).hasSize(4); // two rules, two containers
    assertThat(fiveDays.verdict().notices()).containsExactly("exception \"vendor-db-root\" ends in 5 days (end of 2027-03-31 UTC)");
    assertThat(judge(yaml, Instant.parse("2027-03-30T08:00:00Z"), payments()).verdict().notices())
        .containsExactly("exception \"vendor-db-root\" ends in 1 day (end of 2027-03-31 UTC)");
    assertThat(judge(yaml, Instant.parse("2027-03-17T00:00:00Z"), payments()).verdict().notices())
        .containsExactly("exception \"vendor-db-root\" ends in 14 days (end of 2027-03-31 UTC)");
    assertThat(judge(yaml, Instant.parse("2027-03-16T23:59:59Z"), payments()).verdict().notices()).isEmpty();
  }

  @Test
  void theFirstMatchingExceptionInTheFilesOrderIsTheOneRecorded() throws Exception {
    String yaml = """
        exceptions:
          - {name: first, rules: [root], namespaces: [payments], reason: one}
          - {name: second, rules: ["*"], namespaces: ["*"], reason: two}
        """;
    assertThat(excepted(judge(yaml, payments()))).containsExactlyInAnyOrder("first:root", "second:probe");
  }

  @Test
  void anExceptionNamingAnUnknownRuleStopsStartUpWithTheEntryAndField() {
    assertThatThrownBy(() -> engine(exception("rules: [root, run-as-nonroot]\nnamespaces: [payments]\n"), MARCH_1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("exceptions[vendor-db-root].rules: no such rule \"run-as-nonroot\"")
        .hasMessageContaining("[clean, probe, root]");
  }

  private static final String SELF_SERVICE = "exceptionsFromAnnotations:\n  namespaces: [\"team-*\"]\n";

  private static HasMetadata annotated(String namespace, String rules, String reason) {
    PodBuilder pod = pod(namespace, "db-0", "vendor/db:5.7");
    pod.editMetadata().addToAnnotations(Exceptions.ANNOTATION, rules).endMetadata();
    if (reason != null) {
      pod.editMetadata().addToAnnotations(Exceptions.REASON_ANNOTATION, reason).endMetadata();
    }
    return pod.build();
  }

  @Test
  void anAnnotationWithAReasonIsHonouredInTheNamespacesAllowed() throws Exception {
    Judgement judgement = judge(SELF_SERVICE, annotated("team-a", "root", "legacy image; moving to :nonroot in Q2"));
    assertThat(judgement.verdict().excepted()).singleElement().satisfies(e -> {
      assertThat(e.exception()).isEqualTo(Exceptions.ANNOTATION);
      assertThat(e.reason()).isEqualTo("legacy image; moving to :nonroot in Q2");
    });
    assertThat(counted(judgement)).containsExactly("probe");
    assertThat(judgement.verdict().notices()).isEmpty();
  }

  @Test
  void anAnnotationOutsideTheNamespacesAllowedIsIgnoredWithANotice() throws Exception {
    Judgement judgement = judge(SELF_SERVICE, annotated("payments", "root", "legacy image"));
    assertThat(judgement.verdict().excepted()).isEmpty();
    assertThat(counted(judgement)).containsExactlyInAnyOrder("root", "probe");
    assertThat(judgement.verdict().notices()).containsExactly(
        "imagegate.dev/exception ignored: namespace \"payments\" is not in exceptionsFromAnnotations.namespaces");

    Judgement off = judge("", annotated("team-a", "root", "legacy image")); // off by default
    assertThat(off.verdict().excepted()).isEmpty();
  }

  @Test
  void anAnnotationWithoutAReasonIsNoException() throws Exception {
    Judgement judgement = judge(SELF_SERVICE, annotated("team-a", "root", " "));
    assertThat(judgement.verdict().excepted()).isEmpty();
    assertThat(judgement.verdict().notices())
        .containsExactly("imagegate.dev/exception without imagegate.dev/exception-reason: ignored (no reason, no exception)");
    assertThat(judge(SELF_SERVICE, annotated("team-a", "root", null)).verdict().excepted()).isEmpty();
  }

  @Test
  void anUnknownRuleInTheAnnotationIsIgnoredWithANoticeAndTheOthersHonoured() throws Exception {
    Judgement judgement = judge(SELF_SERVICE, annotated("team-a", "root, no-such-rule,*", "legacy image"));
    assertThat(excepted(judgement)).containsExactly("imagegate.dev/exception:root");
    assertThat(judgement.verdict().notices()).containsExactly(
        "imagegate.dev/exception: no such rule \"no-such-rule\"; ignored", "imagegate.dev/exception: no such rule \"*\"; ignored");
  }

  private static HasMetadata deployment(String name) {
    return new DeploymentBuilder().withNewMetadata().withNamespace("payments").withName(name).withLabels(Map.of("team", "billing"))
        .endMetadata().withNewSpec().withNewTemplate().withNewSpec()
        .addToContainers(new ContainerBuilder().withName("app").withImage("vendor/db:5.7").build())
        .endSpec().endTemplate().endSpec().build();
  }
}
