package dev.imagegate.admission;

import static dev.imagegate.admission.Reviews.container;
import static dev.imagegate.admission.Reviews.spec;
import static dev.imagegate.admission.Reviews.wellBehaved;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.audit.AuditService;
import dev.imagegate.config.Mode;
import dev.imagegate.testing.Await;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole application with namespace modes, events and the audit switched on, against a mock
 * Kubernetes API (without the PolicyReport CRD) and the real registry: labels decide modes as the
 * README's table says, dry runs write nothing, {@code GET /audit} answers on the management port
 * only, and a missing CRD costs nothing but the reports.
 */
@QuarkusTest
@WithKubernetesTestServer
@QuarkusTestResource(value = ClusterTestRegistry.class, restrictToAnnotatedClass = true)
class ClusterFeaturesTest {
  private static final ResourceDefinitionContext POLICY_REPORTS = new ResourceDefinitionContext.Builder()
      .withGroup("wgpolicyk8s.io").withVersion("v1alpha2").withKind("PolicyReport").withPlural("policyreports")
      .withNamespaced(true).build();

  @KubernetesTestServer
  KubernetesServer server;

  @Inject
  NamespaceModes modes;

  @Inject
  AdmissionEvents events;

  @Inject
  AuditService audit;

  @Inject
  KubernetesAccess access;

  @Inject
  Vertx vertx;

  @TestHTTPResource(value = "/validate", tls = true)
  URL validate;

  @TestHTTPResource(value = "/audit", tls = true)
  URL publicAudit;

  private KubernetesClient client() {
    return server.getClient();
  }

  @BeforeEach
  void namespaces() throws Exception {
    label("strict", "enforce");
    label("loose", "audit");
    label("quiet", "off");
    Await.until(() -> modes.modeOf("strict") == Mode.ENFORCE && modes.modeOf("loose") == Mode.AUDIT && modes.modeOf("quiet") == Mode.OFF,
        "the namespace labels");
  }

  private void label(String namespace, String mode) {
    client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
        .addToLabels(NamespaceModes.LABEL, mode).endMetadata().build()).createOr(existing -> existing.update());
  }

  private static Pod pod(String namespace, String name, PodSpec spec) {
    return new PodBuilder(Reviews.pod(name, spec)).editMetadata().withNamespace(namespace).endMetadata().build();
  }

  private JsonPath review(String body) {
    return given().relaxedHTTPSValidation().contentType("application/json").queryParam("timeout", "10s")
        .body(body).post(validate).then().statusCode(200).extract().jsonPath();
  }

  private static String managementUrl() {
    return "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
  }

  /** nginx as it comes: runs as root, no probe. */
  private static PodSpec root() {
    return spec(container("web", "nginx:1.27"));
  }

  @Test
  void theNamespaceLabelReplacesTheGlobalModeAndARuleModeWinsOverBoth() throws Exception {
    JsonPath plain = review(Reviews.create(pod("apps", "a", root())));
    assertThat(plain.getBoolean("response.allowed")).as("global mode warn").isTrue();
    assertThat(plain.getList("response.warnings", String.class)).anyMatch(w -> w.contains("[run-as-non-root]"));

    JsonPath strict = review(Reviews.create(pod("strict", "a", root())));
    assertThat(strict.getBoolean("response.allowed")).as("label enforce").isFalse();
    assertThat(strict.getString("response.status.message")).contains("[run-as-non-root]");

    JsonPath loose = review(Reviews.create(pod("loose", "a", root())));
    assertThat(loose.getBoolean("response.allowed")).as("label audit").isTrue();
    assertThat(loose.getList("response.warnings")).isNullOrEmpty();
    assertThat(loose.getMap("response.auditAnnotations")).containsKey("run-as-non-root");

    JsonPath latest = review(Reviews.create(pod("loose", "b", spec(wellBehaved("web", "nginx:latest")))));
    assertThat(latest.getBoolean("response.allowed")).as("rules.disallow-latest-tag.mode enforce wins over the label").isFalse();
    assertThat(latest.getString("response.status.message")).contains("[disallow-latest-tag]");

    JsonPath quiet = review(Reviews.create(pod("quiet", "b", spec(container("web", "nginx:latest")))));
    assertThat(quiet.getBoolean("response.allowed")).as("label off: not judged at all").isTrue();
    assertThat(quiet.getList("response.warnings")).isNullOrEmpty();
    assertThat(quiet.getMap("response.auditAnnotations")).isNullOrEmpty();

    label("loose", "enforce");
    Await.until(() -> modes.modeOf("loose") == Mode.ENFORCE, "the new label");
    assertThat(review(Reviews.create(pod("loose", "c", root()))).getBoolean("response.allowed")).isFalse();
    label("loose", "audit");
    Await.until(() -> modes.modeOf("loose") == Mode.AUDIT, "the label back");
  }

  @Test
  void aDryRunGetsTheSameVerdictAndWritesNothing() throws Exception {
    Pod pod = pod("strict", "dry", root());
    String dryRun = Reviews.create(pod).replace("\"dryRun\":false", "\"dryRun\":true");
    JsonPath response = review(dryRun);
    assertThat(response.getBoolean("response.allowed")).isFalse();
    assertThat(response.getString("response.status.message")).contains("[run-as-non-root]");
    assertThat(events.drain(Duration.ofSeconds(5))).isTrue();
    assertThat(client().events().v1().events().inNamespace("strict").list().getItems())
        .noneMatch(e -> "dry".equals(e.getRegarding().getName()));
    assertThat(client().genericKubernetesResources(POLICY_REPORTS).inAnyNamespace().list().getItems()).isEmpty();

    review(Reviews.create(pod));
    review(Reviews.create(pod)); // the same workload again: rate-limited
    assertThat(events.drain(Duration.ofSeconds(5))).isTrue();
    assertThat(client().events().v1().events().inNamespace("strict").list().getItems())
        .filteredOn(e -> "dry".equals(e.getRegarding().getName())).singleElement()
        .satisfies(e -> assertThat(e.getNote()).contains("[run-as-non-root]"));
  }

  @Test
  void theAuditAnswersOnTheManagementPortOnlyAndSurvivesAMissingCrd() throws Exception {
    KubernetesClient cluster = client();
    cluster.pods().inNamespace("strict").resource(pod("strict", "web", root())).create();
    cluster.pods().inNamespace("loose").resource(pod("loose", "web", root())).create();
    cluster.pods().inNamespace("quiet").resource(pod("quiet", "web", root())).create();
    var auditor = audit.auditor().orElseThrow();
    // the audit's informers see the new pods through watch events: audit again until both have arrived
    Await.until(() -> {
      try {
        var report = auditor.runNow();
        return report != null && report.namespaces().containsKey("strict") && report.namespaces().containsKey("loose");
      } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }, "the audit to see the pods just created");

    JsonPath body = given().get(managementUrl() + "/audit").then().statusCode(200).contentType("application/json")
        .extract().jsonPath();
    assertThat(body.getBoolean("enabled")).isTrue();
    assertThat(body.getString("state")).isEqualTo("complete");
    assertThat(body.getMap("namespaces")).containsKeys("strict", "loose").doesNotContainKey("quiet");
    assertThat(body.getString("namespaces.loose.mode")).isEqualTo("audit");
    assertThat(body.getInt("namespaces.loose.summary.wouldDenyUnderEnforce")).isEqualTo(1);
    assertThat(body.getInt("namespaces.loose.summary.deniedNow")).isZero();
    assertThat(body.getInt("namespaces.strict.summary.deniedNow")).isEqualTo(1);
    assertThat(body.getString("namespaces.strict.workloads[0].results.run-as-non-root.result")).isEqualTo("fail");
    assertThat(body.getString("policyReports.state")).isEqualTo("crd-missing");
    assertThat(body.getBoolean("policyReports.leader")).isTrue();
    JsonPath one = given().queryParam("namespace", "loose").get(managementUrl() + "/audit").then().statusCode(200)
        .extract().jsonPath();
    assertThat(one.getMap("namespaces")).containsOnlyKeys("loose");

    // not on the webhook's port
    given().relaxedHTTPSValidation().get(publicAudit).then().statusCode(404);

    String metrics = given().get(managementUrl() + "/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics)
        .contains("imagegate_audit_violations{namespace=\"strict\",rule=\"run-as-non-root\"} 1.0")
        .contains("imagegate_audit_would_deny{namespace=\"loose\"} 1.0")
        .contains("imagegate_audit_results{namespace=\"strict\",result=\"fail\"}")
        .contains("imagegate_audit_last_run_timestamp_seconds")
        .contains("imagegate_audit_duration_seconds")
        .doesNotContain("namespace=\"quiet\"");

    // admissions are served as ever without the CRD
    assertThat(review(Reviews.create(pod("strict", "x", root()))).getBoolean("response.allowed")).isFalse();
    List<GenericKubernetesResource> reports = cluster.genericKubernetesResources(POLICY_REPORTS).inAnyNamespace().list().getItems();
    assertThat(reports).isEmpty();
    assertThat(Map.of("ready", given().get(managementUrl() + "/q/health/ready").statusCode())).containsEntry("ready", 200);
  }

  /** The Vert.x instance on whose thread an informer of this client filled its store from its first list; null: no Vert.x thread. */
  private static Vertx listedOn(KubernetesClient client) throws Exception {
    AtomicReference<Optional<Vertx>> seen = new AtomicReference<>();
    SharedIndexInformer<Pod> informer = client.pods().inAnyNamespace().runnableInformer(0);
    informer.itemStore(new BasicItemStore<Pod>(Cache::metaNamespaceKeyFunc) {
      @Override
      public Pod put(String key, Pod pod) {
        Context context = Vertx.currentContext();
        seen.compareAndSet(null, Optional.ofNullable(context == null ? null : context.owner()));
        return super.put(key, pod);
      }
    });
    try {
      informer.start().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } finally {
      informer.close();
    }
    assertThat(seen.get()).as("the store saw the pod").isNotNull();
    return seen.get().orElse(null);
  }

  @Test
  void informersFillTheirStoresOffTheEventLoopsThatServeValidate() throws Exception {
    client().pods().inNamespace("quiet").resource(pod("quiet", "listed", root())).create(); // mode off: the audit leaves it out

    assertThat(listedOn(access.client())).as("Quarkus' client: pages are unmarshalled on the loops that serve /validate")
        .isSameAs(vertx);
    Vertx background = listedOn(access.backgroundClient());
    assertThat(background).as("the audit's and pre-warming's client: a Vert.x of its own").isNotNull().isNotSameAs(vertx);
  }

  @Test
  void readinessWaitsForTheWebhookPortAndThePrewarming() {
    JsonPath ready = given().get(managementUrl() + "/q/health/ready").then().statusCode(200).extract().jsonPath();
    assertThat(ready.getList("checks.findAll { it.status == 'UP' }.name", String.class))
        .contains("imagegate-webhook-port", "imagegate-cache-prewarm", "imagegate-warmup");
    String metrics = given().get(managementUrl() + "/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics).contains("imagegate_cache_prewarm_images{outcome=\"warmed\"}")
        .contains("imagegate_cache_prewarm_duration_seconds");
  }
}
