package dev.imagegate.chart;

import static dev.imagegate.admission.Reviews.container;
import static dev.imagegate.admission.Reviews.spec;
import static dev.imagegate.admission.Reviews.wellBehaved;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.admission.ClusterTestRegistry;
import dev.imagegate.admission.Reviews;
import dev.imagegate.audit.AuditReport;
import dev.imagegate.audit.AuditService;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The chart's Grafana dashboard queries only what imagegate exports: every metric name in its
 * PromQL is a series of a running imagegate's {@code /q/metrics} after admissions (allowed, warned,
 * denied, an unreadable image, one an exception lets through) and an audit, histogram and summary
 * suffixes included.
 */
@QuarkusTest
@WithKubernetesTestServer
@QuarkusTestResource(value = GrafanaDashboardTest.WithAnException.class, restrictToAnnotatedClass = true)
class GrafanaDashboardTest {
  /** The cluster features and one exception, so that an admission it lets through exports its counter. */
  public static class WithAnException extends ClusterTestRegistry {
    @Override
    protected String config(String registryHostPort) {
      return super.config(registryHostPort) + """
          exceptions:
            - name: legacy-root
              rules: [run-as-non-root]
              namespaces: [legacy]
              reason: "vendor image runs as root"
          """;
    }
  }

  static final Path DASHBOARD = Path.of("charts", "imagegate", "dashboards", "imagegate.json");
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool",
      "and", "or", "unless", "offset");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  @KubernetesTestServer
  KubernetesServer server;

  @Inject
  AuditService audit;

  @TestHTTPResource(value = "/validate", tls = true)
  URL validate;

  private static String management() {
    return "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
  }

  /** Every {@code expr} of the dashboard's panels. */
  static List<String> queries() throws Exception {
    List<String> queries = new ArrayList<>();
    new ObjectMapper().readTree(DASHBOARD.toFile()).findValues("expr").forEach(expr -> queries.add(expr.asText()));
    return queries;
  }

  /** The metric names a PromQL expression reads: identifiers that are no function, keyword, label or range. */
  static Set<String> metricNames(String promql) {
    String bare = promql
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^\\]]*]", " ")
        .replaceAll("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      String rest = bare.substring(m.end()).stripLeading();
      boolean function = rest.startsWith("(");
      boolean partOfNumber = m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1));
      if (!function && !partOfNumber && !KEYWORDS.contains(m.group())) {
        names.add(m.group());
      }
    }
    return names;
  }

  /** Series names of a Prometheus exposition (histograms as _bucket, _count, _sum). */
  static Set<String> exported(String exposition) {
    Set<String> names = new TreeSet<>();
    exposition.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
        .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
    return names;
  }

  private void admit(String namespace, String name, PodSpec podSpec) {
    Pod pod = new PodBuilder(Reviews.pod(name, podSpec)).editMetadata().withNamespace(namespace).endMetadata().build();
    given().relaxedHTTPSValidation().contentType("application/json").body(Reviews.create(pod)).post(validate)
        .then().statusCode(200);
  }

  @Test
  void extractsMetricNamesFromPromqlAndNothingElse() {
    assertThat(metricNames("histogram_quantile(0.99, sum by (le) (rate(imagegate_admission_duration_seconds_bucket[$__rate_interval])))"))
        .containsExactly("imagegate_admission_duration_seconds_bucket");
    assertThat(metricNames("sum by (cache) (rate(a_total{result=\"hit\"}[5m])) / sum without (x) (rate(b_total[5m])) and on(job) c"))
        .containsExactly("a_total", "b_total", "c");
    assertThat(metricNames("time() - max(imagegate_audit_last_run_timestamp_seconds) > 2e3"))
        .containsExactly("imagegate_audit_last_run_timestamp_seconds");
  }

  @Test
  void everyMetricTheDashboardQueriesIsExportedByARunningImagegate() throws Exception {
    admit("apps", "good", spec(wellBehaved("web", "nginx:1.27")));
    admit("apps", "root", spec(container("web", "nginx:1.27")));
    admit("apps", "latest", spec(wellBehaved("web", "nginx:latest")));
    admit("apps", "ghost", spec(wellBehaved("web", "acme/ghost:9.9")));
    admit("legacy", "vendor", spec(container("web", "nginx:1.27")));
    server.getClient().pods().inNamespace("apps")
        .resource(new PodBuilder(Reviews.pod("root", spec(container("web", "nginx:1.27")))).build()).create();
    var auditor = audit.auditor().orElseThrow();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    AuditReport report = auditor.runNow();
    while (report == null || !report.namespaces().containsKey("apps")) {
      assertThat(System.nanoTime()).as("the audit to see the pod").isLessThan(deadline);
      Thread.sleep(50);
      report = auditor.runNow();
    }

    Set<String> exported = exported(given().get(management() + "/q/metrics").then().statusCode(200).extract().asString());
    Set<String> queried = new TreeSet<>();
    queries().forEach(query -> queried.addAll(metricNames(query)));
    assertThat(queried).as("the dashboard's metrics").contains("imagegate_admissions_total",
        "imagegate_admission_duration_seconds_bucket", "imagegate_registry_errors_total", "imagegate_audit_would_deny",
        "imagegate_exceptions_applied_total");
    assertThat(queried).allSatisfy(name -> assertThat(exported).as("exported by imagegate").contains(name));
  }

  @Test
  void theChartShipsTheDashboardOnlyWhenAskedWithTheSidecarsLabel() throws Exception {
    assertThat(HelmChart.render(Map.of()).all(ConfigMap.class)).hasSize(1);
    List<ConfigMap> maps = HelmChart.render(Map.of("grafanaDashboard.enabled", true)).all(ConfigMap.class);
    ConfigMap dashboard = maps.stream().filter(m -> m.getMetadata().getName().endsWith("-dashboard")).findFirst().orElseThrow();
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dashboard.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
    JsonNode shipped = new ObjectMapper().readTree(dashboard.getData().get("imagegate.json"));
    assertThat(shipped).isEqualTo(new ObjectMapper().readTree(Files.readString(DASHBOARD)));
    assertThat(shipped.path("uid").asText()).isEqualTo("imagegate");
  }
}
