package dev.imagegate.admission;

import static io.restassured.RestAssured.given;

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
}
