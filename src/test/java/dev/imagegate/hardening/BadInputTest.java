package dev.imagegate.hardening;

import dev.imagegate.testing.TrustAllTls;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.admission.WebhookTestRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.URL;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The explicit hostile inputs: each gets a verdict or a 4xx with a reason, quickly, and nothing breaks. */
@QuarkusTest
@QuarkusTestResource(value = WebhookTestRegistry.class, restrictToAnnotatedClass = true)
class BadInputTest {

  @TestHTTPResource(value = "/validate", tls = true)
  URL validate;

  private Response post(String body) {
    return given().relaxedHTTPSValidation().contentType("application/json").queryParam("timeout", "10s")
        .body(body).post(validate);
  }

  private static String pod(String containers, String extraMetadata) {
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-bad","operation":"CREATE",
         "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"apps","name":"p",
         "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"apps"%s},
          "spec":{"containers":[%s]}}}}""".formatted(extraMetadata, containers);
  }

  private static String container(String name, String image) {
    return "{\"name\":\"%s\",\"image\":\"%s\",\"readinessProbe\":{\"exec\":{\"command\":[\"true\"]}},\"securityContext\":{\"runAsUser\":1000}}"
        .formatted(name, image);
  }

  /** The server refuses on the Content-Length, before reading the body; a client that waits for 100-continue sees the 413. */
  @Test
  void bodyAboveTheLimitGets413() throws Exception {
    String huge = pod(container("a", "nginx:1.27"), ",\"annotations\":{\"x\":\"" + "a".repeat(7 * 1024 * 1024) + "\"}");
    var client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
        .sslContext(TrustAllTls.context()).build();
    var response = client.send(java.net.http.HttpRequest.newBuilder(validate.toURI()).expectContinue(true)
        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(huge)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void threeMegabytePodGetsAVerdict() {
    String big = pod(container("a", "nginx:1.27"), ",\"annotations\":{\"x\":\"" + "a".repeat(3 * 1024 * 1024) + "\"}");
    Response response = post(big);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.jsonPath().getBoolean("response.allowed")).isTrue();
  }

  @Test
  void tenThousandContainersOfOneImageGetAVerdict() {
    String containers = IntStream.range(0, 10_000).mapToObj(i -> container("c" + i, "nginx:1.27")).collect(Collectors.joining(","));
    Response response = post(pod(containers, ""));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.jsonPath().getBoolean("response.allowed")).isTrue();
  }

  /**
   * limits.maxImagesPerRequest (default 100): only the first 100 distinct images are read (here
   * each is missing from the registry), the rest get one finding, and the verdict comes well
   * within the apiserver's deadline.
   */
  @Test
  void tenThousandDistinctImagesAreCappedAndAnsweredWithinTheDeadline() throws Exception {
    String containers = IntStream.range(0, 10_000).mapToObj(i -> container("c" + i, "nginx:1.27-variant" + i))
        .collect(Collectors.joining(","));
    String body = pod(containers, "");
    // the JDK client: RestAssured's own handling of a 1.3 MB body takes seconds of the measured time
    var client = java.net.http.HttpClient.newBuilder().sslContext(TrustAllTls.context()).build();
    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(validate + "?timeout=10s"))
        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
    long start = System.nanoTime();
    var response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(millis).as("answered before the apiserver's 10s timeout").isLessThan(9_000);
    JsonPath json = new JsonPath(response.body());
    assertThat(json.getBoolean("response.allowed")).isFalse();
    String message = json.getString("response.status.message");
    assertThat(message).contains("container \"c100\" (nginx:1.27-variant100): [image-unavailable] too many distinct images "
        + "in one request (10000 > 100, limits.maxImagesPerRequest): 9900 containers with 9900 images past the first 100");
    assertThat(message).doesNotContain("container \"c101\"");
    assertThat(WebhookTestRegistry.registry().accessLog().requests().stream()
        .filter(r -> r.path().contains("nginx/manifests/1.27-variant")).map(r -> r.path()).distinct().count())
        .as("no more than the cap read from the registry").isLessThanOrEqualTo(100);
  }

  @Test
  void deeplyNestedJsonIsRefusedWithAReason() {
    String nested = "[".repeat(5_000) + "]".repeat(5_000);
    Response response = post(pod(container("a", "nginx:1.27"), ",\"annotations\":{\"x\":" + nested + "}"));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.asString()).isNotBlank();
  }

  @Test
  void imagesWithControlCharactersOrHugeNamesAreViolationsWithPrintableMessages() {
    String containers = container("ctl", "nginx\\u0000\\u001b[31m:1.27") + "," + container("long", "a".repeat(10_240));
    JsonPath response = post(pod(containers, "")).then().statusCode(200).extract().jsonPath();
    assertThat(response.getBoolean("response.allowed")).isFalse();
    String message = response.getString("response.status.message");
    assertThat(message).contains("[image-reference]").contains("container \"ctl\"").contains("container \"long\"");
    assertThat(message.chars().filter(c -> c < 0x20 && c != '\n').count()).isZero();
    assertThat(message.length()).isLessThan(30_000);
  }

  @Test
  void missingUidAndV1beta1AreRefusedOverHttp() {
    assertThat(post("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}").statusCode()).isEqualTo(400);
    assertThat(post("{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"x\"}}").asString())
        .contains("admission.k8s.io/v1");
  }
}
