package dev.imagegate.admission;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.ConfigFile;
import dev.imagegate.policy.LivePolicy;
import dev.imagegate.testing.Await;
import dev.imagegate.testing.LogCapture;
import dev.imagegate.testing.TrustAllTls;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The configuration file changes as a ConfigMap volume changes (the {@code ..data} symlink swapped)
 * while the webhook serves: every admission is judged by the old or the new configuration, never by
 * a mix and never with an error; a bad file changes nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = LiveConfigTestRegistry.class, restrictToAnnotatedClass = true)
class LiveConfigurationTest {
  private static final int CLIENTS = 50;

  @TestHTTPResource(value = "/validate", tls = true)
  URL validate;

  @Inject
  LivePolicy policy;

  @Inject
  MeterRegistry meters;

  /** One answer: when its request was sent and answered, and which configuration it came from (or what was wrong). */
  private record Answer(long sentAt, long answeredAt, String shape) {}

  private final HttpClient client =
      HttpClient.newBuilder().sslContext(TrustAllTls.context()).connectTimeout(Duration.ofSeconds(5)).build();

  /** Puts {@code yaml} in the volume and waits until it is the configuration in force. */
  private long inForce(String yaml) throws InterruptedException {
    String hash = ConfigFile.of(yaml).hash();
    LiveConfigTestRegistry.volume.update(yaml);
    Await.until(() -> policy.current().hash().equals(hash), "configuration " + hash + " in force");
    return System.nanoTime();
  }

  /** warn: allowed with the violation as a warning; enforce: denied for it; anything else is wrong. */
  private Answer admit() {
    long started = System.nanoTime();
    String body = Reviews.create(Reviews.pod("web", Reviews.spec(Reviews.container("web", "nginx:1.27"))));
    try {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(validate + "?timeout=10s"))
          .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      long answered = System.nanoTime();
      String text = response.body();
      boolean violation = text.contains("[run-as-non-root]");
      if (response.statusCode() == 200 && violation && text.contains("\"allowed\":true") && text.contains("\"warnings\"")) {
        return new Answer(started, answered, "warn");
      }
      if (response.statusCode() == 200 && violation && text.contains("\"allowed\":false") && text.contains("\"code\":403")) {
        return new Answer(started, answered, "enforce");
      }
      return new Answer(started, answered, response.statusCode() + " " + text);
    } catch (Exception e) {
      return new Answer(started, System.nanoTime(), e.toString());
    }
  }

  @Test
  void fiftyClientsGetAnswersOfTheOldOrTheNewConfigurationOnlyWhileItChanges() throws Exception {
    inForce(LiveConfigTestRegistry.config("warn"));
    assertThat(admit().shape()).isEqualTo("warn"); // nginx read once: from here on the answers come from the cache

    Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(CLIENTS);
    for (int c = 0; c < CLIENTS; c++) {
      Thread thread = new Thread(() -> {
        try {
          while (!stop.get()) {
            answers.add(admit());
          }
        } finally {
          done.countDown();
        }
      }, "live-config-client");
      thread.setDaemon(true);
      thread.start();
    }
    // Each window: from the moment a configuration is known in force to the moment the next write starts.
    // A request sent and answered within it can only have met that configuration.
    record Window(long from, long to, String mode) {}
    List<Window> windows = new ArrayList<>();
    long from = System.nanoTime();
    String mode = "warn";
    try {
      for (String next : List.of("enforce", "warn", "enforce", "warn", "enforce")) {
        int seen = answers.size();
        Await.until(() -> answers.size() >= seen + 2 * CLIENTS, "answers under " + mode);
        long writing = System.nanoTime();
        windows.add(new Window(from, writing, mode));
        from = inForce(LiveConfigTestRegistry.config(next));
        mode = next;
      }
      int seen = answers.size();
      Await.until(() -> answers.size() >= seen + 2 * CLIENTS, "answers under " + mode);
      windows.add(new Window(from, Long.MAX_VALUE, mode));
    } finally {
      stop.set(true);
      done.await();
    }

    assertThat(answers).as("answers that are neither warn's nor enforce's").extracting(Answer::shape)
        .filteredOn(shape -> !shape.equals("warn") && !shape.equals("enforce")).isEmpty();
    for (Window window : windows) {
      List<String> shapes = answers.stream().filter(a -> a.sentAt() > window.from() && a.answeredAt() < window.to())
          .map(Answer::shape).toList();
      assertThat(shapes).as("answers to requests sent and answered while only %s was in force", window.mode()).isNotEmpty()
          .containsOnly(window.mode());
    }
    assertThat(answers.stream().map(Answer::shape).distinct()).containsExactlyInAnyOrder("warn", "enforce");
  }

  @Test
  void aBadFileIsRefusedNamingTheKeyAndTheOldOneStaysInForceAndReady() throws Exception {
    inForce(LiveConfigTestRegistry.config("enforce"));
    String running = policy.current().hash();
    double rejected = reloads("rejected");
    String bad = LiveConfigTestRegistry.config("warn") + "  timout: 3s\n"; // under registries: a misspelt key

    List<String> logged = logged(() -> {
      LiveConfigTestRegistry.volume.update(bad);
      Await.until(() -> reloads("rejected") > rejected, "the bad file refused");
    });

    assertThat(logged).anySatisfy(line -> assertThat(line).contains("refused").contains("timout"));
    assertThat(policy.current().hash()).isEqualTo(running);
    assertThat(admit().shape()).as("still the configuration in force before").isEqualTo("enforce");
    given().get(managementUrl() + "/q/health/ready").then().statusCode(200);
    String metrics = given().get(managementUrl() + "/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics).contains("imagegate_config_info{hash=\"" + running + "\"} 1.0")
        .doesNotContain("imagegate_config_info{hash=\"" + ConfigFile.of(bad).hash() + "\"}")
        .contains("imagegate_config_reload_total{outcome=\"rejected\"}");
  }

  @Test
  void aChangedKeyThatNeedsARestartIsLoggedAndTheRestApplies() throws Exception {
    inForce(LiveConfigTestRegistry.config("warn"));
    String changed = LiveConfigTestRegistry.config("enforce") + "audit:\n  interval: 5m\n";

    List<String> logged = logged(() -> inForce(changed));

    assertThat(logged).contains("config key audit.interval changed but needs a restart; still 1h (the file says 5m)");
    assertThat(admit().shape()).isEqualTo("enforce");
  }

  private double reloads(String outcome) {
    return meters.get("imagegate.config.reload").tag("outcome", outcome).counter().count();
  }

  private static String managementUrl() {
    return "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
  }

  private interface Step {
    void run() throws Exception;
  }

  /** What LivePolicy logged while {@code step} ran. */
  private static List<String> logged(Step step) throws Exception {
    return LogCapture.during(LivePolicy.class, () -> {
      step.run();
      return null;
    }).lines();
  }
}
