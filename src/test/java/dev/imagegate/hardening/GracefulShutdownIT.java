package dev.imagegate.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagegate.testing.PackagedApp;
import dev.imagegate.testing.SilentServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged application on SIGTERM (what the kubelet sends when pods roll): it finishes the
 * reviews in flight, answers what still arrives while it drains (the apiserver may route to the pod
 * until its endpoint is removed), exits once nothing is in flight, and from then on refuses
 * connections.
 */
class GracefulShutdownIT {
  @Test
  void sigtermFinishesInFlightReviewsThenExits() throws Exception {
    try (SilentServer slowRegistry = SilentServer.start()) {
      Path config = Files.createTempFile("imagegate-shutdown", ".yaml");
      // The registry never answers: a review of its image stays in flight for the registry timeout.
      Files.writeString(config, "registries:\n  insecure: [\"" + slowRegistry.hostPort() + "\"]\n  timeout: 4s\n");
      try (PackagedApp app = PackagedApp.start(config)) {
        Process process = app.process();
        HttpClient client = PackagedApp.client();
        app.awaitReady(client);
        // A first review opens (and keeps alive) the connection the in-flight review then uses.
        assertThat(client.send(app.validate(review("nginx:1.27")), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(app.validate(review(slowRegistry.hostPort() + "/slow/app:1")),
            HttpResponse.BodyHandlers.ofString());
        Thread.sleep(1_000); // the review is now waiting for the registry
        process.destroy(); // SIGTERM
        Thread.sleep(500);

        HttpClient fresh = PackagedApp.client();
        HttpResponse<String> draining = fresh.send(app.validate(review("nginx:1.27")), HttpResponse.BodyHandlers.ofString());
        assertThat(draining.statusCode()).as("a review arriving while draining is still answered").isEqualTo(200);
        assertThat(process.isAlive()).as("still alive while a review is in flight").isTrue();

        HttpResponse<String> finished = inFlight.get(15, TimeUnit.SECONDS);
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(finished.body()).contains("\"allowed\":false").contains("[image-unavailable]").contains("slow/app");
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited after finishing").isTrue();
        assertThatThrownBy(() -> fresh.send(app.validate(review("nginx:1.27")), HttpResponse.BodyHandlers.ofString()))
            .as("connections after exit").isInstanceOf(IOException.class);
      }
    }
  }

  private static String review(String image) {
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-%d","operation":"CREATE",
         "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"apps","name":"p",
         "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"apps"},
          "spec":{"containers":[{"name":"app","image":"%s"}]}}}}
        """.formatted(System.nanoTime(), image);
  }
}
