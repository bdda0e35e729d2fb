package dev.imagegate.audit;

import static dev.imagegate.audit.AuditFixtures.good;
import static dev.imagegate.audit.AuditFixtures.latest;
import static dev.imagegate.audit.AuditFixtures.leaky;
import static dev.imagegate.audit.AuditFixtures.root;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.admission.NamespaceModes;
import dev.imagegate.chart.ReportCrds;
import dev.imagegate.testing.StructuralSchema;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * audit.reportFormat against a mock API server: OpenReports Reports carry the same content as the
 * PolicyReports, within the same size cap; both validate against the CRDs the chart installs.
 */
class ReportFormatsTest {
  private static final AuditLeader.Timing FAST = new AuditLeader.Timing(Duration.ofSeconds(3), Duration.ofSeconds(2),
      Duration.ofMillis(200));
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static AuditFixtures fixtures;
  private static AuditFixtures both;
  private static AuditFixtures openReports;

  @BeforeAll
  static void registry() {
    fixtures = AuditFixtures.start("reports", "");
    both = fixtures.with("audit:\n  reportFormat: both\n");
    openReports = fixtures.with("audit:\n  reportFormat: openreports\n");
  }

  @AfterAll
  static void stop() {
    if (both != null) {
      both.closeResolver();
    }
    if (openReports != null) {
      openReports.closeResolver();
    }
    if (fixtures != null) {
      fixtures.close();
    }
  }

  private static Auditor auditor(KubernetesClient client, AuditFixtures configured) {
    return new Auditor(client, configured.engine, namespace -> null, () -> true, configured.config.audit(), "imagegate-system",
        "one", new SimpleMeterRegistry(), FAST, Clock.systemUTC());
  }

  private static GenericKubernetesResource read(KubernetesClient client, PolicyReportWriter.ReportKind kind, String namespace) {
    return client.genericKubernetesResources(kind.context()).inNamespace(namespace).withName(PolicyReportWriter.NAME).get();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(GenericKubernetesResource report) {
    return SERIALIZATION.convertValue(report, Map.class);
  }

  /** What both formats share: everything but apiVersion, kind, OpenReports' source and the API's metadata. */
  private static Map<String, Object> content(GenericKubernetesResource report) {
    Map<String, Object> content = new LinkedHashMap<>(report.getAdditionalProperties());
    content.remove("source");
    content.put("annotations", report.getMetadata().getAnnotations());
    content.put("labels", report.getMetadata().getLabels());
    return content;
  }

  @Test
  void bothFormatsCarryTheSameResultsWithinTheSameCapAndFitTheChartsCrds() throws Exception {
    try (MockCluster cluster = MockCluster.withPolicyReportsAndOpenReports()) {
      cluster.namespace("apps", Map.of());
      cluster.namespace("big", Map.of());
      Seed seed = new Seed(cluster.client());
      seed.deployment("apps", "web", root(), 1);
      seed.pod("apps", "cache", latest());
      seed.pod("apps", "leaky", leaky());
      seed.pod("apps", "ok", good());
      for (int i = 0; i < 260; i++) { // 4 results each: over the 1000 a report keeps
        seed.pod("big", "p-" + i, good());
      }
      KubernetesClient client = cluster.client("imagegate/one");
      try (Auditor auditor = auditor(client, both)) {
        auditor.startElection();
        AuditReport report = auditor.runNow();
        auditor.settle();
        assertThat(report.workloads()).isEqualTo(264);
        assertThat(auditor.status().reports().state()).isEqualTo(PolicyReportWriter.State.WRITTEN);

        Map<String, Object> policyReportSchema = ReportCrds.schema(ReportCrds.POLICY_REPORTS);
        Map<String, Object> openReportSchema = ReportCrds.schema(ReportCrds.OPEN_REPORTS);
        for (String namespace : List.of("apps", "big")) {
          GenericKubernetesResource policyReport = read(client, PolicyReportWriter.ReportKind.POLICY_REPORT, namespace);
          GenericKubernetesResource openReport = read(client, PolicyReportWriter.ReportKind.OPEN_REPORT, namespace);
          assertThat(openReport.getApiVersion()).isEqualTo("openreports.io/v1alpha1");
          assertThat(openReport.getKind()).isEqualTo("Report");
          assertThat(openReport.getAdditionalProperties()).containsEntry("source", "imagegate");
          assertThat(content(openReport)).as(namespace).isEqualTo(content(policyReport));
          assertThat(StructuralSchema.problems(policyReportSchema, asMap(policyReport))).as("PolicyReport in " + namespace).isEmpty();
          assertThat(StructuralSchema.problems(openReportSchema, asMap(openReport))).as("Report in " + namespace).isEmpty();
        }
        GenericKubernetesResource big = read(client, PolicyReportWriter.ReportKind.OPEN_REPORT, "big");
        assertThat((List<?>) big.getAdditionalProperties().get("results")).hasSize(PolicyReportWriter.MAX_RESULTS);
        assertThat(big.getMetadata().getAnnotations()).containsEntry(PolicyReportWriter.OMITTED, String.valueOf(260 * 4 - 1000));
        assertThat(big.getAdditionalProperties().get("summary")).isEqualTo(Map.of("pass", 1040, "fail", 0, "warn", 0, "error", 0, "skip", 0));
      }
    }
  }

  @Test
  void openReportsAloneNeedNoPolicyReportCrd() throws Exception {
    try (MockCluster cluster = MockCluster.withOpenReportsOnly()) {
      cluster.namespace("apps", Map.of());
      new Seed(cluster.client()).pod("apps", "web", root());
      KubernetesClient client = cluster.client("imagegate/one");
      try (Auditor auditor = auditor(client, openReports)) {
        auditor.startElection();
        auditor.runNow();
        auditor.settle();
        assertThat(auditor.status().reports().state()).isEqualTo(PolicyReportWriter.State.WRITTEN);
        assertThat(cluster.writes("/policyreports")).isEmpty();
        assertThat(cluster.writes("/apis/openreports.io/v1alpha1/namespaces/apps/reports")).hasSize(1);
        assertThat(read(client, PolicyReportWriter.ReportKind.OPEN_REPORT, "apps").getAdditionalProperties().get("summary"))
            .isEqualTo(Map.of("pass", 2, "fail", 2, "warn", 0, "error", 0, "skip", 0));
      }
    }
  }
}
