package dev.imagegate.hardening;

import dev.imagegate.testing.TrustAllTls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.admission.WebhookTestRegistry;
import dev.imagegate.testing.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * 200 concurrent clients for a bounded time, mixing cached images, images never seen before and
 * images that do not exist: every answer must be the right one, and heap and threads must level off.
 */
@QuarkusTest
@QuarkusTestResource(value = WebhookTestRegistry.class, restrictToAnnotatedClass = true)
class ConcurrentLoadTest {
  private static final int CLIENTS = 200;
  private static final int FRESH_IMAGES = 150;
  private static final Duration PHASE = Duration.ofSeconds(Long.getLong("load.phaseSeconds", 5));

  @TestHTTPResource(value = "/validate", tls = true)
  URL validate;

  private final AtomicInteger nextFresh = new AtomicInteger();
  private final AtomicLong answers = new AtomicLong();
  private final Queue<String> wrong = new ConcurrentLinkedQueue<>();

  @Test
  void twoHundredClientsGetOnlyRightAnswersAndResourcesLevelOff() throws Exception {
    TestImages images = TestImages.in(WebhookTestRegistry.registry());
    var healthy = TestImages.distrolessNonroot().healthcheck(List.of("CMD", "/app", "health"));
    for (int i = 0; i < FRESH_IMAGES; i++) {
      images.push("load/app", "v" + i, healthy.withEnv("BUILD=" + i));
    }
    HttpClient client = HttpClient.newBuilder().sslContext(TrustAllTls.context()).connectTimeout(Duration.ofSeconds(5)).build();

    runPhase(client);
    long heapAfterFirst = usedHeapAfterGc();
    int threadsAfterFirst = threads();
    runPhase(client);
    long heapAfterSecond = usedHeapAfterGc();
    int threadsAfterSecond = threads();

    System.out.printf("load: %d answers from %d clients in 2 x %ss; heap %d -> %d MiB; threads %d -> %d%n",
        answers.get(), CLIENTS, PHASE.toSeconds(), heapAfterFirst >> 20, heapAfterSecond >> 20, threadsAfterFirst, threadsAfterSecond);
    assertThat(wrong).as("wrong or failed answers out of %d", answers.get()).isEmpty();
    assertThat(answers.get()).isGreaterThan(CLIENTS);
    assertThat(nextFresh.get()).as("uncached images judged").isGreaterThanOrEqualTo(FRESH_IMAGES);
    assertThat(heapAfterSecond).as("heap (bytes) after the second phase").isLessThan(heapAfterFirst + 48L * 1024 * 1024);
    assertThat(threadsAfterSecond).as("threads after the second phase").isLessThanOrEqualTo(threadsAfterFirst + 10);
  }

  private void runPhase(HttpClient client) throws InterruptedException {
    long end = System.nanoTime() + PHASE.toNanos();
    CountDownLatch done = new CountDownLatch(CLIENTS);
    for (int c = 0; c < CLIENTS; c++) {
      startDaemon(() -> {
        try {
          while (System.nanoTime() < end) {
            oneRequest(client);
          }
        } finally {
          done.countDown();
        }
      });
    }
    done.await();
  }

  private void oneRequest(HttpClient client) {
    int kind = ThreadLocalRandom.current().nextInt(10);
    String image;
    boolean allowed;
    if (kind < 6) {
      image = "nginx:1.27"; // cached after the first request: root, no health check
      allowed = false;
    } else if (kind < 8) {
      int fresh = nextFresh.getAndIncrement();
      image = "load/app:v" + (fresh % FRESH_IMAGES); // the first round over these is uncached
      allowed = true;
    } else {
      image = "load/missing:v" + ThreadLocalRandom.current().nextInt(1_000_000); // never exists
      allowed = false;
    }
    String body = LoadReviews.pod(image);
    try {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(validate + "?timeout=10s"))
          .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      answers.incrementAndGet();
      boolean ok = response.statusCode() == 200 && response.body().contains("\"allowed\":" + allowed)
          && (allowed || response.body().contains(image.startsWith("load/missing") ? "[image-unavailable]" : "[run-as-non-root]"));
      if (!ok) {
        wrong.add(image + " -> " + response.statusCode() + " " + response.body());
      }
    } catch (Exception e) {
      wrong.add(image + " -> " + e);
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static int threads() throws InterruptedException {
    Thread.sleep(300);
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  private static void startDaemon(Runnable task) {
    Thread thread = new Thread(task, "load-client");
    thread.setDaemon(true);
    thread.start();
  }

  /** A one-container Pod review with a probe and a non-root user, so the image decides the verdict. */
  private static final class LoadReviews {
    static String pod(String image) {
      return """
          {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"%s","operation":"CREATE",
           "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"load","name":"p",
           "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"load"},
            "spec":{"containers":[{"name":"app","image":"%s",
             "readinessProbe":{"exec":{"command":["/app","health"]}}}]}}}}
          """.formatted(java.util.UUID.randomUUID(), image);
    }
  }
}
