package dev.imagegate.admission;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** The benchmarks' no-op endpoint exists only in benchmark builds, never in the product. */
@QuarkusTest
class NoopReviewResourceTest {

  @TestHTTPResource(value = "/bench/noop", tls = true)
  URL noop;

  @Test
  void theProductBuildHasNoNoopEndpoint() {
    given().relaxedHTTPSValidation().contentType("application/json").body("{}")
        .post(noop).then().statusCode(404);
  }

  /** src/bench/java is compiled only by the Maven profile bench, into target/bench: never onto the product's classpath. */
  @Test
  void theProductClassesHoldNoBenchmarkCode() {
    assertThatThrownBy(() -> Class.forName("dev.imagegate.admission.NoopReviewResource"))
        .isInstanceOf(ClassNotFoundException.class);
  }
}
