package dev.imagegate.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.testing.PackagedApp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged application, warm-up off: from the first time {@code /q/health/ready} answers UP,
 * the webhook's HTTPS port accepts connections. Quarkus opens the management port and the main
 * port side by side; without the {@code imagegate-webhook-port} check the apiserver could be sent
 * to a replica whose webhook port still refuses.
 */
class ReadyMeansListeningIT {
  @Test
  void theWebhookPortAcceptsFromTheFirstReadyAnswer() throws Exception {
    Path config = Files.createTempFile("imagegate-ready", ".yaml");
    Files.writeString(config, "warmup:\n  budget: 0s\n");
    try (PackagedApp app = PackagedApp.start(config)) {
      HttpClient client = HttpClient.newHttpClient();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      boolean ready = false;
      while (!ready && System.nanoTime() < deadline && app.process().isAlive()) {
        try {
          ready = client.send(app.readiness(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
          // the management port is not open yet
        }
        if (!ready) {
          Thread.sleep(2);
        }
      }
      assertThat(ready).as("ready within 120 s").isTrue();

      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("localhost", app.webhookPort()), 1_000);
        assertThat(socket.isConnected()).as("the webhook port accepts at the first ready answer").isTrue();
      }
    }
  }
}
