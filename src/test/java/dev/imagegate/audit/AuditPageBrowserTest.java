package dev.imagegate.audit;

import static dev.imagegate.audit.AuditFixtures.spec;
import static dev.imagegate.audit.AuditFixtures.wellBehaved;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.admission.ClusterTestRegistry;
import dev.imagegate.testing.HeadlessChromium;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The report page in a real browser (headless Debian chromium) and its CSV, served by the whole
 * application with the audit on, over a mock Kubernetes API and the real registry: the page renders
 * without script, its matrix says what the JSON says, a filter link narrows it, every value is
 * escaped, no secret value reaches the page or the CSV, and the CSV cannot smuggle a formula.
 * With {@code -Dimagegate.screenshot.write=true} the screenshot also replaces docs/audit-page.png.
 */
@QuarkusTest
@WithKubernetesTestServer
@QuarkusTestResource(value = ClusterTestRegistry.class, restrictToAnnotatedClass = true)
class AuditPageBrowserTest {
  /** A pod env literal no-secrets-in-env reports: it must never be shown. */
  private static final String POD_SECRET = "Zq8wL2vR9tYx4Kp";
  /** What acme/leaky:1.0 bakes into its ENV. */
  private static final String IMAGE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  /** An image reference that does not parse, written to break out of HTML and into a spreadsheet formula. */
  private static final String HOSTILE_IMAGE = "=HYPERLINK(\"http://evil\")<img src=x onerror=alert(1)>";

  private static final Pattern COUNT = Pattern.compile(
      "<(?:a|span) class=\"count\" data-namespace=\"([^\"]*)\" data-rule=\"([^\"]*)\"[^>]*>(\\d+)</(?:a|span)>");
  private static final Pattern NAMESPACE_FILTER = Pattern.compile(
      "<a class=\"filter\" data-filter=\"namespace\" href=\"([^\"]*)\"[^>]*>([^<]*)</a>");
  private static final Pattern WORKLOAD = Pattern.compile("<section class=\"workload\" id=\"[^\"]*\" data-namespace=\"([^\"]*)\">");

  @KubernetesTestServer
  KubernetesServer server;

  @Inject
  AuditService audit;

  @TestHTTPResource(value = "/audit.csv", tls = true)
  URL publicCsv;

  private static String management() {
    return "http://127.0.0.1:" + ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
  }

  @BeforeEach
  void cluster() throws Exception {
    KubernetesClient client = server.getClient();
    for (String namespace : List.of("shop", "payments", "legacy")) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
          .addToLabels(namespace.equals("legacy") ? Map.of("imagegate.dev/mode", "audit") : Map.of()).endMetadata().build())
          .createOr(existing -> existing.update());
    }
    Seed seed = new Seed(client);
    if (client.apps().deployments().inNamespace("shop").withName("web").get() == null) {
      seed.deployment("shop", "web", AuditFixtures.root(), 1);
      seed.deployment("shop", "api", AuditFixtures.good(), 1);
      seed.deployment("payments", "ledger", spec(new ContainerBuilder(wellBehaved("ledger", "nginx:1.27"))
          .addNewEnv().withName("DB_PASSWORD").withValue(POD_SECRET).endEnv().build()), 1);
      seed.deployment("payments", "gateway", AuditFixtures.latest(), 1);
      seed.pod("legacy", "batch", AuditFixtures.leaky());
      seed.pod("legacy", "old", AuditFixtures.root());
      seed.pod("legacy", "hostile", spec(wellBehaved("x", HOSTILE_IMAGE)));
    }
    Auditor auditor = audit.auditor().orElseThrow();
    // the informers see what was just created through watch events: audit until all of it is in
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    AuditReport report = auditor.runNow();
    while (report == null || report.workloads() < 7) {
      assertThat(System.nanoTime()).as("the audit to see the seeded workloads").isLessThan(deadline);
      Thread.sleep(50);
      report = auditor.runNow();
    }
  }

  /** GET as a browser asks for a page. */
  private static Response html(String path, Map<String, String> query) {
    return given().header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
        .queryParams(query).get(management() + path);
  }

  /** namespace → rule → count, as the matrix of a DOM shows them. */
  private static Map<String, Map<String, Integer>> matrix(String dom) {
    Map<String, Map<String, Integer>> counts = new TreeMap<>();
    Matcher m = COUNT.matcher(dom);
    while (m.find()) {
      counts.computeIfAbsent(m.group(1), n -> new TreeMap<>()).put(m.group(2), Integer.parseInt(m.group(3)));
    }
    return counts;
  }

  /**
   * A link of the page as the browser follows it (RFC 3986: a query-only reference keeps the page's
   * path, where java.net.URI, after RFC 2396, would drop its last segment).
   */
  private static String resolve(String page, String href) {
    return href.startsWith("?") ? page.replaceAll("[?#].*", "") + href : URI.create(page).resolve(href).toString();
  }

  private static List<String> all(Pattern pattern, String text, int group) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(group));
    }
    return found;
  }

  @Test
  void chromiumRendersThePageWhoseMatrixIsTheJsonsAndWhoseFilterLinksNarrowIt() throws Exception {
    String page = management() + "/audit";
    String dom = HeadlessChromium.dumpDom(page);
    assertThat(dom).contains("imagegate audit").contains("id=\"matrix\"").doesNotContain("<script");

    JsonPath json = given().get(page).then().statusCode(200).contentType("application/json").extract().jsonPath();
    Map<String, Map<String, Integer>> expected = new TreeMap<>();
    Map<String, Map<String, Object>> namespaces = json.getMap("namespaces");
    List<String> rules = new ArrayList<>(json.<String, Object>getMap("rules").keySet());
    for (String namespace : namespaces.keySet()) {
      Map<String, Map<String, Integer>> byRule = json.getMap("namespaces." + namespace + ".rules");
      for (String rule : rules) {
        Map<String, Integer> counts = byRule.getOrDefault(rule, Map.of());
        expected.computeIfAbsent(namespace, n -> new TreeMap<>())
            .put(rule, counts.getOrDefault("fail", 0) + counts.getOrDefault("warn", 0));
      }
    }
    assertThat(matrix(dom)).isEqualTo(expected);
    assertThat(expected.get("shop").get("run-as-non-root")).as("the seed's root nginx").isEqualTo(1);
    assertThat(dom).contains("<b id=\"total-workloads\">" + json.getInt("summary.workloads") + "</b>")
        .contains("<b id=\"total-would-deny\">" + json.getInt("summary.wouldDenyUnderEnforce") + "</b>");

    List<String> filters = all(NAMESPACE_FILTER, dom, 2);
    assertThat(filters).containsExactly("legacy", "payments", "shop");
    String href = all(NAMESPACE_FILTER, dom, 1).get(filters.indexOf("payments")).replace("&amp;", "&");
    String filtered = HeadlessChromium.dumpDom(resolve(page, href));
    assertThat(all(WORKLOAD, filtered, 1)).as("workloads on the page filtered by namespace payments")
        .containsExactly("payments", "payments");
    assertThat(matrix(filtered)).containsOnlyKeys("payments");

    Path screenshot = Path.of("target", "audit-page.png");
    Files.deleteIfExists(screenshot);
    HeadlessChromium.screenshot(page, screenshot, 1280, 2000);
    byte[] png = Files.readAllBytes(screenshot);
    assertThat(png).hasSizeGreaterThan(10_000);
    assertThat(java.util.Arrays.copyOf(png, 8)).as("PNG signature")
        .isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    if (Boolean.getBoolean("imagegate.screenshot.write")) {
      Files.copy(screenshot, Path.of("docs", "audit-page.png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  void pageAndCsvEscapeEveryValueShowNoSecretAndDefuseFormulas() {
    Response page = html("/audit", Map.of());
    page.then().statusCode(200).contentType("text/html").header("Content-Security-Policy", AuditRoute.CONTENT_SECURITY_POLICY)
        .header("X-Content-Type-Options", "nosniff");
    String body = page.asString();
    assertThat(body).doesNotContain("<img").contains("&lt;img src=x onerror=alert(1)&gt;")
        .contains("DB_PASSWORD").doesNotContain(POD_SECRET)
        .contains("AWS_SECRET_ACCESS_KEY").doesNotContain(IMAGE_SECRET).doesNotContain("AKIAIOSFODNN7EXAMPLE");

    String reflected = html("/audit", Map.of("namespace", "\"><script>alert(1)</script>", "rule", "x\" onmouseover=\"alert(1)"))
        .then().statusCode(200).extract().asString();
    assertThat(reflected).doesNotContain("<script").doesNotContain("\" onmouseover=\"")
        .contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");

    Response csv = given().get(management() + "/audit.csv");
    csv.then().statusCode(200).contentType("text/csv").header("Content-Disposition", "attachment; filename=\"imagegate-audit.csv\"");
    String text = csv.asString();
    assertThat(text).startsWith(String.join(",", AuditCsv.HEADER) + "\r\n")
        .contains("payments,Deployment,ledger,no-secrets-in-env,").doesNotContain(POD_SECRET)
        .doesNotContain(IMAGE_SECRET).doesNotContain("AKIAIOSFODNN7EXAMPLE");
    assertThat(text.lines().filter(l -> l.startsWith("legacy,Pod,hostile,image-reference,"))).singleElement()
        .satisfies(line -> assertThat(line).contains(",\"'=HYPERLINK(\"\"http://evil\"\")<img").doesNotContain(",=").doesNotContain(",\"="));
    assertThat(given().queryParam("namespace", "shop").queryParam("rule", "run-as-non-root").get(management() + "/audit.csv").asString()
        .lines().skip(1)).as("that namespace's rows of that rule").containsExactly(
            "shop,Deployment,api,run-as-non-root,pass,,false,,,no violation,,,",
            "shop,Deployment,web,run-as-non-root,fail,warn,true,web,nginx:1.27,"
            + "\"container \"\"web\"\" (nginx:1.27): [run-as-non-root] image runs as root (no USER); add USER 1000 to the Dockerfile "
            + "or set runAsUser: 1000\",,,");
  }

  @Test
  void jsonStaysTheDefaultAndNothingOfItIsOnTheWebhookPort() {
    given().get(management() + "/audit").then().statusCode(200).contentType("application/json").header("Vary", "Accept");
    given().header("Accept", "*/*").get(management() + "/audit").then().contentType("application/json");
    given().header("Accept", "application/json, text/html").get(management() + "/audit").then().contentType("application/json");
    html("/audit", Map.of()).then().contentType("text/html");
    given().relaxedHTTPSValidation().get(publicCsv).then().statusCode(404);
    given().relaxedHTTPSValidation().header("Accept", "text/html").get(publicCsv.toString().replace(".csv", "")).then().statusCode(404);
  }

  @Test
  void aReplicaWithoutAReportSaysWhyAndHowToGetOne() {
    String off = AuditRoute.Templates.page(AuditPage.notice(new AuditState(false, "off",
        "the background audit is off: " + AuditState.HOW_TO_ENABLE, null))).render();
    assertThat(off).contains("state: off").contains("audit.enabled: true").contains("--set audit.enabled=true")
        .doesNotContain("id=\"matrix\"");
    Auditor.Status standby = new Auditor.Status(null, false, null, null, false, "imagegate-7d9c-x2", "imagegate-5f6b-k4",
        Duration.ofHours(1), PolicyReportWriter.ReportKind.POLICY_REPORT);
    String page = AuditRoute.Templates.page(AuditPage.of(AuditState.of(standby), new AuditPage.Filter(null, null))).render();
    assertThat(page).contains("state: standby").contains("imagegate-7d9c-x2 audits").doesNotContain("id=\"matrix\"");
  }
}
