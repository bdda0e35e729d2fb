package dev.imagegate.hardening;

import dev.imagegate.testing.TrustAllTls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagegate.testing.SilentServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
  private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

  @Test
  void sigtermFinishesInFlightReviewsThenExits() throws Exception {
    try (SilentServer slowRegistry = SilentServer.start()) {
      int webhookPort = freePort();
      int managementPort = freePort();
      Path config = Files.createTempFile("imagegate-shutdown", ".yaml");
      // The registry never answers: a review of its image stays in flight for the registry timeout.
      Files.writeString(config, "registries:\n  insecure: [\"" + slowRegistry.hostPort() + "\"]\n  timeout: 4s\n");
      Path log = Files.createTempFile("imagegate-shutdown", ".log");
      ProcessBuilder builder = new ProcessBuilder("java", "-Djdk.net.hosts.file=" + System.getProperty("jdk.net.hosts.file"),
          "-jar", JAR.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().put("IMAGEGATE_CONFIG", config.toString());
      builder.environment().put("QUARKUS_HTTP_SSL_PORT", String.valueOf(webhookPort));
      builder.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
      Process process = builder.start();
      try {
        HttpClient client = HttpClient.newBuilder().sslContext(TrustAllTls.context()).connectTimeout(Duration.ofSeconds(2)).build();
        awaitReady(client, process, webhookPort, managementPort);
        // A first review opens (and keeps alive) the connection the in-flight review then uses.
        assertThat(client.send(review(webhookPort, "nginx:1.27"), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(review(webhookPort, slowRegistry.hostPort() + "/slow/app:1"),
            HttpResponse.BodyHandlers.ofString());
        Thread.sleep(1_000); // the review is now waiting for the registry
        process.destroy(); // SIGTERM
        Thread.sleep(500);

        HttpClient fresh = HttpClient.newBuilder().sslContext(TrustAllTls.context()).connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> draining = fresh.send(review(webhookPort, "nginx:1.27"), HttpResponse.BodyHandlers.ofString());
        assertThat(draining.statusCode()).as("a review arriving while draining is still answered").isEqualTo(200);
        assertThat(process.isAlive()).as("still alive while a review is in flight").isTrue();

        HttpResponse<String> finished = inFlight.get(15, TimeUnit.SECONDS);
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(finished.body()).contains("\"allowed\":false").contains("[image-unavailable]").contains("slow/app");
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited after finishing").isTrue();
        assertThatThrownBy(() -> fresh.send(review(webhookPort, "nginx:1.27"), HttpResponse.BodyHandlers.ofString()))
            .as("connections after exit").isInstanceOf(IOException.class);
      } finally {
        process.destroyForcibly();
      }
    }
  }

  private static HttpRequest review(int port, String image) {
    String body = """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-%d","operation":"CREATE",
         "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"apps","name":"p",
         "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"apps"},
          "spec":{"containers":[{"name":"app","image":"%s"}]}}}}
        """.formatted(System.nanoTime(), image);
    return HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/validate?timeout=10s"))
        .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  /** Ready when our process answers on both its ports (a port picked free may be taken by a parallel build). */
  private static void awaitReady(HttpClient client, Process process, int webhookPort, int managementPort) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        HttpResponse<String> ready = client.send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + managementPort + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> webhook = client.send(HttpRequest.newBuilder(
            URI.create("https://localhost:" + webhookPort + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200 && webhook.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("imagegate did not become ready within 30 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
