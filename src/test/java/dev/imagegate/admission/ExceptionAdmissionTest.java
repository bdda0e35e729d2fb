package dev.imagegate.admission;

import static dev.imagegate.admission.Reviews.container;
import static dev.imagegate.admission.Reviews.pod;
import static dev.imagegate.admission.Reviews.spec;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.policy.Exceptions;
import dev.imagegate.testing.LogCapture;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * {@code /validate} with exceptions against the real registry: an excepted violation neither denies
 * nor warns and shows in the audit annotations, the decision log and the metrics; the warning
 * before the end; an ended exception no longer applies; annotations only where allowed.
 */
@QuarkusTest
@QuarkusTestResource(value = ExceptionsTestRegistry.class, restrictToAnnotatedClass = true)
class ExceptionAdmissionTest {
  @TestHTTPResource(value = "/validate", tls = true)
  URL validate;

  private JsonPath review(String body) {
    return given().relaxedHTTPSValidation().contentType("application/json").queryParam("timeout", "10s")
        .body(body).post(validate).then().statusCode(200).extract().jsonPath();
  }

  private static Pod in(String namespace, Pod pod) {
    return new PodBuilder(pod).editMetadata().withNamespace(namespace).endMetadata().build();
  }

  private static Pod annotated(Pod pod, String rules, String reason) {
    return new PodBuilder(pod).editMetadata().addToAnnotations(Map.of(Exceptions.ANNOTATION, rules, Exceptions.REASON_ANNOTATION, reason))
        .endMetadata().build();
  }

  /** The decision lines written while {@code action} runs. */
  private static List<JsonNode> decisions(Runnable action) throws Exception {
    List<JsonNode> parsed = new java.util.ArrayList<>();
    for (String line : LogCapture.during(DecisionLog.CATEGORY, () -> {
      action.run();
      return null;
    }).lines()) {
      parsed.add(new ObjectMapper().readTree(line));
    }
    return parsed;
  }

  @Test
  void anExceptedViolationIsAllowedAndShownInTheAnnotationsTheDecisionLogAndTheMetricsWithOneWarningBeforeItsEnd() throws Exception {
    JsonPath[] response = new JsonPath[1];
    List<JsonNode> lines = decisions(() -> response[0] = review(Reviews.create(in("payments", pod("vendor", spec(container("web", "nginx:1.27")))))));

    assertThat(response[0].getBoolean("response.allowed")).as(response[0].prettify()).isTrue();
    assertThat(response[0].getList("response.warnings", String.class)).singleElement().asString()
        .matches("imagegate: exception \"vendor-nginx\" ends in [45] days \\(end of \\d{4}-\\d\\d-\\d\\d UTC\\)");
    assertThat(response[0].getString("response.auditAnnotations.run-as-non-root"))
        .startsWith("container \"web\" (nginx:1.27) [excepted by \"vendor-nginx\": vendor image runs as root; ticket OPS-1234]: ");
    assertThat(response[0].getString("response.auditAnnotations.require-healthcheck")).contains("[excepted by \"vendor-nginx\"");

    assertThat(lines).singleElement().satisfies(line -> {
      assertThat(line.path("decision").asText()).isEqualTo("warned"); // the warning about the end, nothing else
      assertThat(line.path("violations").size()).isZero();
      assertThat(line.path("excepted")).hasSize(2);
      assertThat(line.path("excepted").get(0).path("exception").asText()).isEqualTo("vendor-nginx");
      assertThat(line.path("excepted").get(0).path("reason").asText()).isEqualTo("vendor image runs as root; ticket OPS-1234");
      assertThat(line.path("excepted").findValuesAsText("rule")).containsExactlyInAnyOrder("run-as-non-root", "require-healthcheck");
      assertThat(line.path("notices").get(0).asText()).startsWith("exception \"vendor-nginx\" ends in");
    });

    String metrics = given().get(managementUrl() + "/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics)
        .containsPattern("imagegate_exceptions_applied_total\\{exception=\"vendor-nginx\",rule=\"run-as-non-root\"\\} [1-9]")
        .containsPattern("imagegate_exceptions_applied_total\\{exception=\"vendor-nginx\",rule=\"require-healthcheck\"\\} [1-9]")
        .containsPattern("imagegate_exception_expired\\{exception=\"ended\"\\} 1\\.0")
        .containsPattern("imagegate_exception_expired\\{exception=\"vendor-nginx\"\\} 0\\.0");
  }

  @Test
  void theSameWorkloadOutsideTheExceptionsNamespacesIsDenied() {
    JsonPath response = review(Reviews.create(pod("vendor", spec(container("web", "nginx:1.27")))));
    assertThat(response.getBoolean("response.allowed")).isFalse();
    assertThat(response.getString("response.status.message")).contains("[run-as-non-root]").contains("[require-healthcheck]");
  }

  @Test
  void anEndedExceptionNoLongerApplies() {
    JsonPath response = review(Reviews.create(in("payments", pod("legacy-report", spec(container("job", "python:3.12"))))));
    assertThat(response.getBoolean("response.allowed")).as(response.prettify()).isFalse();
    assertThat(response.getString("response.status.message")).contains("container \"job\" (python:3.12): [run-as-non-root]");
    assertThat(response.getString("response.auditAnnotations.run-as-non-root")).doesNotContain("excepted");
  }

  @Test
  void anAnnotationWithAReasonIsHonouredOnlyInTheNamespacesAllowed() {
    Pod asked = annotated(pod("report", spec(container("job", "python:3.12"))), "run-as-non-root, require-healthcheck",
        "legacy report job; rewrite tracked in OPS-77");

    JsonPath allowed = review(Reviews.create(in("team-reports", asked)));
    assertThat(allowed.getBoolean("response.allowed")).as(allowed.prettify()).isTrue();
    assertThat(allowed.getList("response.warnings")).isNullOrEmpty();
    assertThat(allowed.getString("response.auditAnnotations.run-as-non-root"))
        .contains("[excepted by \"imagegate.dev/exception\": legacy report job; rewrite tracked in OPS-77]");

    JsonPath denied = review(Reviews.create(in("payments", asked)));
    assertThat(denied.getBoolean("response.allowed")).isFalse();
    assertThat(denied.getList("response.warnings", String.class)).contains(
        "imagegate: imagegate.dev/exception ignored: namespace \"payments\" is not in exceptionsFromAnnotations.namespaces");
  }

  private static String managementUrl() {
    return "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
  }
}
