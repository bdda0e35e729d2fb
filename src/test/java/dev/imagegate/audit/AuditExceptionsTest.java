package dev.imagegate.audit;

import static dev.imagegate.audit.AuditFixtures.root;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.audit.AuditReport.Result;
import dev.imagegate.audit.AuditReport.WorkloadAudit;
import dev.imagegate.workload.Workload;
import dev.imagegate.workload.Workloads;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The background audit honours exceptions through the same engine: a rule whose violations an
 * exception lets through is a {@code skip} result with the exception's name and reason, in the
 * PolicyReport and in {@code GET /audit}; the same workload without the exception fails.
 */
class AuditExceptionsTest {
  private static final String CONFIG = """
      exceptions:
        - name: legacy-root
          rules: [run-as-non-root]
          namespaces: [alpha]
          workloads: ["Deployment/legacy-*"]
          reason: "vendor image runs as root; ticket OPS-1234"
        - name: vendor-db-root
          rules: [run-as-non-root]
          namespaces: [alpha]
          workloads: ["Deployment/vendor-db"]
          reason: "vendor database, replaced in Q1"
          expires: 2099-12-31
      """;

  private static AuditFixtures fixtures;

  @BeforeAll
  static void registry() {
    fixtures = AuditFixtures.start("audit-exceptions", CONFIG);
  }

  @AfterAll
  static void stop() {
    if (fixtures != null) {
      fixtures.close();
    }
  }

  private static Workload deployment(String name, PodSpec spec) {
    return Workloads.of(new DeploymentBuilder().withNewMetadata().withNamespace("alpha").withName(name).withUid("uid-" + name)
        .endMetadata().withNewSpec().withNewTemplate().withSpec(spec).endTemplate().endSpec().build());
  }

  private static Result result(WorkloadAudit audit, String rule) {
    return audit.results().stream().filter(r -> r.rule().equals(rule)).findFirst().orElseThrow();
  }

  @Test
  void anExceptedRuleIsASkipWithTheExceptionsNameAndReasonInTheReportAndTheAuditView() throws Exception {
    Workload legacy = deployment("legacy-web", root());
    Workload web = deployment("web", root());
    Map<String, WorkloadAudit> audits = ClusterAudit.judge(fixtures.engine, List.of(legacy, web), ns -> null, 2);

    WorkloadAudit excepted = audits.get(Inventory.key(legacy));
    assertThat(result(excepted, "run-as-non-root")).satisfies(r -> {
      assertThat(r.result()).isEqualTo("skip");
      assertThat(r.exception()).isEqualTo("legacy-root");
      assertThat(r.message()).startsWith("excepted by \"legacy-root\": vendor image runs as root; ticket OPS-1234. Let through: ")
          .contains("container \"web\" (nginx:1.27): [run-as-non-root]");
    });
    assertThat(result(excepted, "require-healthcheck").result()).isEqualTo("fail"); // not covered
    assertThat(excepted.findings()).extracting(f -> f.ruleId()).containsExactly("require-healthcheck");
    assertThat(excepted.excepted()).singleElement().satisfies(e -> assertThat(e.exception()).isEqualTo("legacy-root"));
    assertThat(result(audits.get(Inventory.key(web)), "run-as-non-root").result()).isEqualTo("fail");

    Instant now = Instant.now();
    AuditReport report = ClusterAudit.report(now, now, List.of(), audits.values(), ns -> null);
    GenericKubernetesResource policyReport = PolicyReportWriter.desired(PolicyReportWriter.ReportKind.POLICY_REPORT, report, report.namespaces().get("alpha"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> results = (List<Map<String, Object>>) policyReport.getAdditionalProperties().get("results");
    assertThat(results).filteredOn(r -> "skip".equals(r.get("result"))).singleElement().satisfies(r -> {
      assertThat(r.get("policy")).isEqualTo("run-as-non-root");
      assertThat((String) r.get("message")).contains("vendor image runs as root; ticket OPS-1234");
      @SuppressWarnings("unchecked")
      Map<String, String> properties = (Map<String, String>) r.get("properties");
      assertThat(properties).containsEntry("exception", "legacy-root").containsEntry("wouldDenyUnderEnforce", "false");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> resources = (List<Map<String, Object>>) r.get("resources");
      assertThat(resources).singleElement().satisfies(resource -> assertThat(resource).containsEntry("name", "legacy-web"));
    });

    Map<String, Object> view = AuditJson.of(new Auditor.Status(report, false, null, null, true, "me", "me", Duration.ofHours(1), PolicyReportWriter.ReportKind.POLICY_REPORT), "alpha");
    @SuppressWarnings("unchecked")
    Map<String, Object> alpha = (Map<String, Object>) ((Map<String, Object>) view.get("namespaces")).get("alpha");
    @SuppressWarnings("unchecked")
    Map<String, Object> shown = ((List<Map<String, Object>>) alpha.get("workloads")).stream()
        .filter(w -> "legacy-web".equals(w.get("name"))).findFirst().orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> ruleResult = (Map<String, Object>) ((Map<String, Object>) shown.get("results")).get("run-as-non-root");
    assertThat(ruleResult).containsEntry("result", "skip").containsEntry("exception", "legacy-root");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> exceptedShown = (List<Map<String, Object>>) shown.get("excepted");
    assertThat(exceptedShown).singleElement().satisfies(e -> assertThat(e)
        .containsEntry("rule", "run-as-non-root").containsEntry("exception", "legacy-root")
        .containsEntry("reason", "vendor image runs as root; ticket OPS-1234"));
  }

  @Test
  void anExceptedWorkloadShowsOnThePageAndInTheCsvWithTheExceptionsNameReasonAndEndDate() throws Exception {
    Workload vendor = deployment("vendor-db", root());
    Map<String, WorkloadAudit> audits = ClusterAudit.judge(fixtures.engine, List.of(vendor), ns -> null, 2);
    Instant now = Instant.now();
    AuditReport report = ClusterAudit.report(now, now, List.of(), audits.values(), ns -> null);
    var ends = AuditPage.ends(fixtures.engine.exceptions().entries());
    AuditState state = AuditState.of(new Auditor.Status(report, false, null, null, true, "me", "me", Duration.ofHours(1), PolicyReportWriter.ReportKind.POLICY_REPORT));

    AuditPage.View page = AuditPage.of(state, new AuditPage.Filter(null, null), ends);

    assertThat(page.totals().excepted()).isEqualTo(1);
    assertThat(page.perRule()).filteredOn(r -> r.rule().equals("run-as-non-root")).singleElement()
        .satisfies(r -> assertThat(r.excepted()).isEqualTo(1));
    AuditPage.WorkloadRow row = page.workloads().stream().filter(w -> w.name().equals("vendor-db")).findFirst().orElseThrow();
    assertThat(row.violations()).filteredOn(v -> v.rule().equals("run-as-non-root")).singleElement().satisfies(v -> {
      assertThat(v.result()).isEqualTo("excepted");
      assertThat(v.container()).isEqualTo("web");
      assertThat(v.exception()).isEqualTo(new AuditPage.ExceptionView("vendor-db-root", "vendor database, replaced in Q1", "2099-12-31"));
    });
    assertThat(row.violations()).filteredOn(v -> v.rule().equals("require-healthcheck")).singleElement()
        .satisfies(v -> assertThat(v.exception()).isNull());

    AuditPage.View byRule = AuditPage.of(state, new AuditPage.Filter(null, "run-as-non-root"), ends);
    assertThat(byRule.workloads()).as("the rule table's excepted count links to the rows it counts")
        .extracting(AuditPage.WorkloadRow::name).containsExactly("vendor-db");

    String csv = AuditCsv.of(report, new AuditPage.Filter("alpha", "run-as-non-root"), ends);
    assertThat(csv.lines().skip(1)).singleElement().satisfies(line -> assertThat(line)
        .startsWith("alpha,Deployment,vendor-db,run-as-non-root,skip,")
        .endsWith(",vendor-db-root,\"vendor database, replaced in Q1\",2099-12-31"));
  }
}
