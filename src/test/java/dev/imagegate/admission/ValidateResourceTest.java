package dev.imagegate.admission;

import static dev.imagegate.admission.Reviews.container;
import static dev.imagegate.admission.Reviews.pod;
import static dev.imagegate.admission.Reviews.spec;
import static dev.imagegate.admission.Reviews.wellBehaved;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.imagegate.testing.LogCapture;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Full AdmissionReviews over HTTPS against the real registry (mirroring docker.io and gcr.io). */
@QuarkusTest
@QuarkusTestResource(value = WebhookTestRegistry.class, restrictToAnnotatedClass = true)
class ValidateResourceTest {

  @TestHTTPResource(value = "/validate", tls = true)
  URL validate;

  private RequestSpecification webhook() {
    return given().relaxedHTTPSValidation().contentType("application/json").queryParam("timeout", "10s");
  }

  private JsonPath review(String body) {
    return webhook().body(body).post(validate).then().statusCode(200)
        .body("apiVersion", equalTo("admission.k8s.io/v1")).body("kind", equalTo("AdmissionReview"))
        .extract().jsonPath();
  }

  @Test
  void podFromARealApiserverReviewIsDeniedWithEveryViolation() throws Exception {
    String body = Files.readString(Path.of("src/test/resources/reviews/pod-create.json"));
    JsonPath response = review(body);
    assertThat(response.getString("response.uid")).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
    assertThat(response.getBoolean("response.allowed")).isFalse();
    assertThat(response.getInt("response.status.code")).isEqualTo(403);
    assertThat(response.getString("response.status.message"))
        .contains("container \"web\" (nginx:1.27): [run-as-non-root]")
        .contains("container \"web\" (nginx:1.27): [require-healthcheck]")
        .doesNotContain("[disallow-latest-tag]")
        .doesNotContain("[no-secrets-in-env]");
  }

  @Test
  void wellBehavedPodIsAllowedWithoutWarnings() {
    JsonPath response = review(Reviews.create(pod("ok", spec(
        wellBehaved("web", "nginx:1.27"), wellBehaved("py", "python:3.12"), container("kong", "kong:3.8")))));
    assertThat(response.getBoolean("response.allowed")).as(response.prettify()).isTrue();
    assertThat(response.getList("response.warnings")).isNullOrEmpty();
    assertThat(response.getMap("response.auditAnnotations")).isNullOrEmpty();
  }

  @Test
  void distrolessNonrootPassesAndDistrolessRootIsDenied() {
    JsonPath nonroot = review(Reviews.create(pod("nonroot", spec(withProbe("app", "gcr.io/distroless/static:nonroot")))));
    assertThat(nonroot.getBoolean("response.allowed")).as(nonroot.prettify()).isTrue();
    JsonPath root = review(Reviews.create(pod("root", spec(withProbe("app", "gcr.io/distroless/static:latest")))));
    assertThat(root.getBoolean("response.allowed")).isFalse();
    assertThat(root.getString("response.status.message"))
        .contains("[run-as-non-root]").contains("[disallow-latest-tag]");
  }

  @Test
  void deploymentWithInitContainersIsJudgedAndInitContainersNeedNoHealthcheck() {
    var spec = new PodSpecBuilder(spec(wellBehaved("web", "nginx:1.27")))
        .withInitContainers(new ContainerBuilder(container("migrate", "python:3.12"))
            .withNewSecurityContext().withRunAsUser(1000L).endSecurityContext().build())
        .build();
    JsonPath response = review(Reviews.create(Reviews.deployment("web", spec)));
    assertThat(response.getBoolean("response.allowed")).as(response.prettify()).isTrue();

    var rootInit = new PodSpecBuilder(spec).editInitContainer(0).withSecurityContext(null).endInitContainer().build();
    JsonPath denied = review(Reviews.create(Reviews.deployment("web", rootInit)));
    assertThat(denied.getString("response.status.message"))
        .contains("container \"migrate\" (python:3.12): [run-as-non-root]")
        .doesNotContain("[require-healthcheck]");
  }

  @Test
  void cronJobIsJudgedThroughItsJobTemplate() {
    JsonPath response = review(Reviews.create(Reviews.cronJob("nightly", spec(container("job", "acme/leaky:1.0")))));
    assertThat(response.getBoolean("response.allowed")).isFalse();
    String message = response.getString("response.status.message");
    assertThat(message).contains("container \"job\" (acme/leaky:1.0): [no-secrets-in-env]").contains("AWS_SECRET_ACCESS_KEY");
    assertThat(message).doesNotContain("wJalrXUtnFEMI").doesNotContain("AKIAIOSFODNN7EXAMPLE");
  }

  @Test
  void updateThatKeepsTheImageIsAllowedWithoutAskingTheRegistry() {
    Pod old = pod("web", spec(container("web", "nginx:1.27")));
    Pod relabelled = new PodBuilder(old).editMetadata().addToLabels("tier", "front").endMetadata().build();
    long before = WebhookTestRegistry.registry.accessLog().registryReads();
    JsonPath response = review(Reviews.update(relabelled, old));
    assertThat(response.getBoolean("response.allowed")).isTrue();
    assertThat(WebhookTestRegistry.registry.accessLog().registryReads()).isEqualTo(before);
  }

  @Test
  void updateThatChangesTheImageJudgesOnlyTheNewImage() {
    Pod old = pod("web", spec(container("web", "nginx:1.27"), wellBehaved("py", "python:3.12")));
    Pod changed = new PodBuilder(old).editSpec().editContainer(1).withImage("acme/leaky:1.0").endContainer().endSpec().build();
    JsonPath response = review(Reviews.update(changed, old));
    assertThat(response.getBoolean("response.allowed")).isFalse();
    assertThat(response.getString("response.status.message"))
        .contains("container \"py\" (acme/leaky:1.0)").doesNotContain("container \"web\"");
  }

  @Test
  void deleteIsAllowedAtOnce() {
    JsonPath response = review(Reviews.review("DELETE", null, pod("web", spec(container("web", "nginx:1.27"))), null));
    assertThat(response.getBoolean("response.allowed")).isTrue();
  }

  @Test
  void statusSubresourceAndOtherKindsAreAllowedAtOnce() {
    Pod pod = pod("web", spec(container("web", "nginx:1.27")));
    assertThat(review(Reviews.review("UPDATE", pod, pod, "status")).getBoolean("response.allowed")).isTrue();
    var service = new ServiceBuilder().withNewMetadata().withName("web").withNamespace("apps").endMetadata().build();
    assertThat(review(Reviews.create(service)).getBoolean("response.allowed")).isTrue();
  }

  @Test
  void ephemeralContainersAreJudged() {
    Pod old = pod("web", spec(wellBehaved("web", "nginx:1.27")));
    Pod debugged = new PodBuilder(old).editSpec().addNewEphemeralContainer().withName("debug").withImage("busybox")
        .endEphemeralContainer().endSpec().build();
    JsonPath response = review(Reviews.review("UPDATE", debugged, old, "ephemeralcontainers"));
    assertThat(response.getBoolean("response.allowed")).isFalse();
    assertThat(response.getString("response.status.message"))
        .contains("container \"debug\" (busybox): [disallow-latest-tag]").doesNotContain("[require-healthcheck]");
  }

  @Test
  void mirrorPodIsAllowed() {
    Pod mirror = new PodBuilder(pod("etcd", spec(container("etcd", "nginx:1.27")))).editMetadata()
        .addToAnnotations("kubernetes.io/config.mirror", "abc").endMetadata().build();
    assertThat(review(Reviews.create(mirror)).getBoolean("response.allowed")).isTrue();
  }

  @Test
  void exemptNamespaceIsAllowed() {
    Pod system = new PodBuilder(pod("dns", spec(container("dns", "nginx:1.27")))).editMetadata().withNamespace("kube-system").endMetadata().build();
    assertThat(review(Reviews.create(system)).getBoolean("response.allowed")).isTrue();
  }

  @Test
  void multiPlatformImageIsJudgedOnItsPlatforms() {
    JsonPath response = review(Reviews.create(pod("bb", spec(withProbe("bb", "busybox:1.36")))));
    assertThat(response.getBoolean("response.allowed")).as(response.prettify()).isTrue();
  }

  @Test
  void missingImageIsDeniedNamingTheImageAndWhy() {
    JsonPath response = review(Reviews.create(pod("ghost", spec(wellBehaved("app", "acme/ghost:9.9")))));
    assertThat(response.getBoolean("response.allowed")).isFalse();
    assertThat(response.getString("response.status.message"))
        .contains("[image-unavailable]").contains("acme/ghost");
  }

  @Test
  void unparseableImageIsAViolationNotAnError() {
    JsonPath response = review(Reviews.create(pod("bad", spec(wellBehaved("app", "Nginx:1.27")))));
    assertThat(response.getBoolean("response.allowed")).isFalse();
    assertThat(response.getString("response.status.message")).contains("[image-reference]").contains("lowercase");
  }

  @Test
  void createWithoutObjectIsAllowedWithAWarning() {
    String body = """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","operation":"CREATE",
         "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"apps","object":null}}""";
    JsonPath response = review(body);
    assertThat(response.getBoolean("response.allowed")).isTrue();
    assertThat(response.getList("response.warnings", String.class)).singleElement().asString().contains("without an object");
  }

  @Test
  void malformedBodiesGet400WithAReason() {
    webhook().body("").post(validate).then().statusCode(400).body(containsString("empty request body"));
    webhook().body("not json").post(validate).then().statusCode(400).body(containsString("not valid JSON"));
    webhook().body("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}").post(validate).then().statusCode(400)
        .body(containsString("expected AdmissionReview"));
    webhook().body("{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"x\"}}")
        .post(validate).then().statusCode(400).body(containsString("admission.k8s.io/v1"));
  }

  @Test
  void decisionsShowInMetrics() {
    review(Reviews.create(pod("m", spec(container("web", "nginx:1.27")))));
    String metrics = given().get(managementUrl() + "/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics).contains("imagegate_admissions_total{decision=\"denied\",kind=\"Pod\"}")
        .contains("imagegate_violations_total{mode=\"enforce\",rule=\"run-as-non-root\"}")
        .contains("imagegate_admission_duration_seconds_bucket");
  }

  @Test
  void eachDecisionIsOneJsonLogLineWithoutSecretValues() throws Exception {
    List<String> lines = LogCapture.during(DecisionLog.CATEGORY, () -> {
      var job = new ContainerBuilder(container("job", "acme/leaky:1.0"))
          .addNewEnv().withName("DB_PASSWORD").withValue("pod-literal-S3cr3t-value").endEnv().build();
      review(Reviews.create(pod("leaky", spec(job))));
      return null;
    }).lines();
    assertThat(lines).hasSize(1);
    var line = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(0));
    assertThat(line.path("decision").asText()).isEqualTo("denied");
    assertThat(line.path("kind").asText()).isEqualTo("Pod");
    assertThat(line.path("namespace").asText()).isEqualTo("apps");
    assertThat(line.path("uid").asText()).isNotBlank();
    assertThat(line.path("violations").findValuesAsText("rule")).contains("no-secrets-in-env", "require-healthcheck");
    assertThat(lines.get(0)).contains("DB_PASSWORD").contains("AWS_SECRET_ACCESS_KEY")
        .doesNotContain("pod-literal-S3cr3t-value").doesNotContain("wJalrXUtnFEMI").doesNotContain("AKIAIOSFODNN7EXAMPLE");
  }

  @Test
  void healthProbesAnswerOnTheManagementPort() {
    given().get(managementUrl() + "/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    given().get(managementUrl() + "/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
  }

  private static String managementUrl() {
    return "http://localhost:" + org.eclipse.microprofile.config.ConfigProvider.getConfig()
        .getValue("quarkus.management.test-port", Integer.class);
  }

  private static io.fabric8.kubernetes.api.model.Container withProbe(String name, String image) {
    return new ContainerBuilder(container(name, image)).withNewLivenessProbe().withNewExec()
        .withCommand(List.of("/app", "health")).endExec().endLivenessProbe().build();
  }
}
