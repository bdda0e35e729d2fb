package dev.imagegate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.TrustAllTls;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The start-up warm-up as the packaged service runs it: synthetic admissions through the real
 * webhook port, before readiness, with nothing of them in the metrics; and its header is worthless
 * to anyone else.
 */
@QuarkusTest
@TestProfile(AdmissionWarmupThroughPortTest.WarmUp.class)
class AdmissionWarmupThroughPortTest {
  static final int ADMISSIONS = 100;
  static final int PORT = LocalRegistry.freePort();

  public static class WarmUp implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      // a budget no busy build machine exhausts: the counts below are then exact
      return Map.of("imagegate.warmup.admissions", String.valueOf(ADMISSIONS),
          "quarkus.http.test-ssl-port", String.valueOf(PORT),
          "imagegate.config", configFile("warmup:\n  budget: 180s\n").toString());
    }
  }

  @Inject
  AdmissionWarmup warmup;

  @Inject
  MeterRegistry meters;

  @Test
  void sendsItsAdmissionsThroughTheWebhookPortAndCountsNoneOfThem() throws Exception {
    awaitFinished();

    AdmissionWarmup.Result result = warmup.result();
    assertThat(result.inProcess()).isEqualTo(ADMISSIONS);
    assertThat(result.admissions()).isEqualTo(ADMISSIONS);
    assertThat(result.failed()).isZero();
    assertThat(result.outOfTime()).isFalse();
    // the made-up images take turns: some reviews are denied, some allowed, so both branches run
    assertThat(result.denied()).isBetween(1, ADMISSIONS - 1);
    assertThat(admissionsCounted()).isZero();
  }

  @Test
  void afterItEndsItsHeaderMakesNoDifference() throws Exception {
    awaitFinished();
    double before = admissionsCounted();

    HttpResponse<String> response = HttpClient.newBuilder().sslContext(TrustAllTls.context()).build().send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + PORT + "/validate"))
            .header("Content-Type", "application/json").header(AdmissionWarmup.HEADER, "0".repeat(32))
            .POST(HttpRequest.BodyPublishers.ofByteArray(review())).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(admissionsCounted()).isEqualTo(before + 1);
  }

  private void awaitFinished() throws InterruptedException {
    for (int i = 0; i < 3_600 && !warmup.finished(); i++) {
      Thread.sleep(50);
    }
    assertThat(warmup.finished()).as("warm-up finished within 180 s").isTrue();
  }

  private double admissionsCounted() {
    return meters.find("imagegate.admissions").counters().stream().mapToDouble(Counter::count).sum();
  }

  /** A pod whose image reference is invalid: judged at once, no registry asked. */
  private static byte[] review() {
    try (InputStream in = AdmissionWarmupThroughPortTest.class.getResourceAsStream("/reviews/pod-create.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("nginx:1.27", "Not/A:Valid:Reference")
          .getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path configFile(String yaml) {
    try {
      Path file = Files.createTempFile("imagegate-warmup", ".yaml");
      Files.writeString(file, yaml);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
