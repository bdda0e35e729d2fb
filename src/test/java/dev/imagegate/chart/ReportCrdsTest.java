package dev.imagegate.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.chart.HelmChart.Rendered;
import dev.imagegate.testing.StructuralSchema;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * reports.installCrds and audit.reportFormat: the chart installs the CRDs of the reports the audit
 * writes, as apiextensions.k8s.io/v1 CRDs that never go with an uninstall, and only while the audit is on.
 */
class ReportCrdsTest {

  private static List<String> crdNames(Map<String, ?> sets) {
    return HelmChart.render(sets).all(CustomResourceDefinition.class).stream().map(c -> c.getMetadata().getName()).sorted().toList();
  }

  @Test
  void theAuditGetsThePolicyReportCrdByDefaultAndNothingWithoutTheAudit() {
    assertThat(crdNames(Map.of())).as("audit off: nothing is written, no CRD").isEmpty();
    assertThat(crdNames(Map.of("audit.enabled", true))).containsExactly(ReportCrds.POLICY_REPORTS);
    assertThat(crdNames(Map.of("audit.enabled", true, "audit.reportFormat", "openreports"))).containsExactly(ReportCrds.OPEN_REPORTS);
    assertThat(crdNames(Map.of("audit.enabled", true, "audit.reportFormat", "both")))
        .containsExactly(ReportCrds.POLICY_REPORTS, ReportCrds.OPEN_REPORTS);
    assertThat(crdNames(Map.of("audit.enabled", true, "reports.installCrds", false))).as("installed by someone else").isEmpty();
    assertThat(crdNames(Map.of("audit.enabled", true, "reports.installCrds", true))).containsExactly(ReportCrds.POLICY_REPORTS);
  }

  @Test
  void crdsAreApiextensionsV1NamespacedKeptOnUninstallAndServeTheKindsImagegateWrites() {
    Rendered chart = HelmChart.render(Map.of("audit.enabled", true, "audit.reportFormat", "both"));
    Map<String, CustomResourceDefinition> crds = new java.util.TreeMap<>();
    chart.all(CustomResourceDefinition.class).forEach(c -> crds.put(c.getMetadata().getName(), c));
    assertThat(crds).containsOnlyKeys(ReportCrds.POLICY_REPORTS, ReportCrds.OPEN_REPORTS);
    crds.values().forEach(crd -> {
      assertThat(crd.getApiVersion()).isEqualTo("apiextensions.k8s.io/v1");
      assertThat(crd.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
      assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
      assertThat(crd.getSpec().getVersions()).singleElement().satisfies(v -> {
        assertThat(v.getServed()).isTrue();
        assertThat(v.getStorage()).isTrue();
        assertThat(v.getSchema().getOpenAPIV3Schema().getProperties()).containsKeys("scope", "summary", "results");
      });
    });
    var policyReports = crds.get(ReportCrds.POLICY_REPORTS).getSpec();
    assertThat(List.of(policyReports.getGroup(), policyReports.getNames().getKind(), policyReports.getNames().getPlural(),
        policyReports.getVersions().get(0).getName())).containsExactly("wgpolicyk8s.io", "PolicyReport", "policyreports", "v1alpha2");
    var openReports = crds.get(ReportCrds.OPEN_REPORTS).getSpec();
    assertThat(List.of(openReports.getGroup(), openReports.getNames().getKind(), openReports.getNames().getPlural(),
        openReports.getVersions().get(0).getName())).containsExactly("openreports.io", "Report", "reports", "v1alpha1");
    assertThat(openReports.getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties()).containsKey("source");
  }

  @Test
  void theSchemaRefusesWhatTheApiserverWouldRefuseOrPrune() {
    Map<String, Object> schema = ReportCrds.schema(ReportCrds.POLICY_REPORTS);
    Map<String, Object> good = Map.of("apiVersion", "wgpolicyk8s.io/v1alpha2", "kind", "PolicyReport",
        "metadata", Map.of("name", "imagegate"),
        "summary", Map.of("pass", 1, "fail", 0),
        "results", List.of(Map.of("policy", "run-as-non-root", "result", "pass", "timestamp", Map.of("seconds", 1795733943L, "nanos", 0),
            "resources", List.of(Map.of("kind", "Pod", "name", "web")), "properties", Map.of("mode", "audit"))));
    assertThat(StructuralSchema.problems(schema, good)).isEmpty();

    Map<String, Object> bad = Map.of("apiVersion", "wgpolicyk8s.io/v1alpha2", "kind", "PolicyReport",
        "summary", Map.of("pass", "1"),
        "results", List.of(Map.of("result", "denied", "timestamp", Map.of("seconds", 1), "scored", "yes",
            "properties", Map.of("wouldDeny", true), "colour", "red")));
    assertThat(StructuralSchema.problems(schema, bad)).containsExactlyInAnyOrder(
        "summary.pass: expected an integer, got String 1",
        "results[0]: required field policy is missing",
        "results[0].result: denied is not one of [pass, fail, warn, error, skip]",
        "results[0].timestamp: required field nanos is missing",
        "results[0].scored: expected a boolean, got String yes",
        "results[0].properties.wouldDeny: expected a string, got Boolean true",
        "results[0].colour: not in the schema (the apiserver would prune it)");
  }
}
