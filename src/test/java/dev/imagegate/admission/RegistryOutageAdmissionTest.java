package dev.imagegate.admission;

import static dev.imagegate.admission.Reviews.pod;
import static dev.imagegate.admission.Reviews.spec;
import static dev.imagegate.admission.Reviews.wellBehaved;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.testing.FaultProxy;
import dev.imagegate.testing.LogCapture;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /validate} while the registry is down past {@code cache.tagTtl}: a pod of images already
 * judged is admitted on their last facts with one warning naming each unreachable registry once,
 * a decision-log field and a metric; an image never seen is still denied.
 */
@QuarkusTest
@QuarkusTestResource(value = OutageTestRegistry.class, restrictToAnnotatedClass = true)
class RegistryOutageAdmissionTest {
  @TestHTTPResource(value = "/validate", tls = true)
  URL validate;

  @AfterEach
  void registryBack() {
    OutageTestRegistry.proxy.clear();
  }

  private JsonPath review(String body) {
    return given().relaxedHTTPSValidation().contentType("application/json").queryParam("timeout", "10s")
        .body(body).post(validate).then().statusCode(200).extract().jsonPath();
  }

  /** Three images from two registries (docker.io twice, gcr.io), all passing every rule. */
  private static String threeImages(String name) {
    return Reviews.create(pod(name, spec(wellBehaved("web", "nginx:1.27"), wellBehaved("py", "python:3.12"),
        wellBehaved("static", "gcr.io/distroless/static:nonroot"))));
  }

  private static void outage() {
    FaultProxy.Fault reset = FaultProxy.reset();
    OutageTestRegistry.proxy.on("HEAD", "/v2/", -1, reset).on("GET", "/v2/", -1, reset);
  }

  @Test
  void knownImagesAreAdmittedOnTheirLastFactsWithOneWarningAndADecisionLogField() throws Exception {
    JsonPath warm = review(threeImages("warm"));
    assertThat(warm.getBoolean("response.allowed")).as(warm.prettify()).isTrue();
    assertThat(warm.getList("response.warnings")).isNullOrEmpty();

    outage();
    Thread.sleep(1_200); // past cache.tagTtl

    LogCapture.Captured<JsonPath> captured = LogCapture.during(DecisionLog.CATEGORY, () -> review(threeImages("during")));
    JsonPath during = captured.result();
    List<String> lines = captured.lines();

    assertThat(during.getBoolean("response.allowed")).as(during.prettify()).isTrue();
    List<String> warnings = during.getList("response.warnings", String.class);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).matches("imagegate: judged on registry facts from [12]s ago: docker\\.io, gcr\\.io unreachable")
        .hasSizeLessThanOrEqualTo(AdmissionResponses.WARNING_MAX_CHARS);

    assertThat(lines).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(lines.get(0));
    assertThat(line.path("decision").asText()).isEqualTo("warned");
    assertThat(line.path("staleFacts").path("ageSeconds").asInt()).isBetween(1, 2);
    assertThat(line.path("staleFacts").path("unreachable").toString()).isEqualTo("[\"docker.io\",\"gcr.io\"]");
    assertThat(line.path("violations").size()).isZero();

    String metrics = given().get(managementUrl() + "/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics).containsPattern("imagegate_cache_stale_served_total\\{registry=\"docker.io\"\\} [1-9]")
        .containsPattern("imagegate_cache_stale_served_total\\{registry=\"gcr.io\"\\} [1-9]");
  }

  @Test
  void anImageNeverSeenIsStillDeniedDuringTheOutage() {
    outage();

    JsonPath response = review(Reviews.create(pod("new", spec(wellBehaved("gw", "kong:3.8")))));

    assertThat(response.getBoolean("response.allowed")).isFalse();
    assertThat(response.getString("response.status.message")).contains("container \"gw\" (kong:3.8): [image-unavailable]");
    assertThat(response.getList("response.warnings")).isNullOrEmpty();
  }

  private static String managementUrl() {
    return "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
  }
}
