package dev.imagegate.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegate.admission.WebhookTestRegistry;
import dev.imagegate.testing.TrustAllTls;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Generator-based fuzzing of {@code /validate}: mutated AdmissionReviews (removed fields, values of
 * the wrong type, hostile image references, truncated and corrupted bytes). Every case must get a
 * 2xx with a well-formed verdict or a 4xx with a reason: never a 5xx, a hang, or a leaked thread.
 * Bounded: {@code -Dfuzz.cases} (default 1000) from the fixed seed {@code -Dfuzz.seed}.
 */
@QuarkusTest
@QuarkusTestResource(value = WebhookTestRegistry.class, restrictToAnnotatedClass = true)
class AdmissionFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int CASES = Integer.getInteger("fuzz.cases", 1000);
  private static final long SEED = Long.getLong("fuzz.seed", 20261126L);

  @TestHTTPResource(value = "/validate", tls = true)
  URL validate;

  @Test
  void everyMutatedReviewGetsAVerdictOrAReason() throws Exception {
    JsonNode base = JSON.readTree(Files.readString(Path.of("src/test/resources/reviews/pod-create.json")));
    HttpClient client = HttpClient.newBuilder().sslContext(TrustAllTls.context()).connectTimeout(Duration.ofSeconds(5)).build();
    warmUp(client, base);

    Random random = new Random(SEED);
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      cases.add(mutate(base, new Random(random.nextLong())));
    }
    // Bounded pools (registry threads, Vert.x workers) grow during the first half and plateau; a
    // leak would keep growing with the second.
    List<String> failures = new ArrayList<>(send(client, cases.subList(0, CASES / 2)));
    int threadsAfterFirstHalf = liveThreads();
    failures.addAll(send(client, cases.subList(CASES / 2, CASES)));
    assertThat(failures).as("cases without a verdict or a reason (seed %d)", SEED).isEmpty();
    Thread.sleep(500);
    assertThat(liveThreads()).as("threads after %d more cases", CASES - CASES / 2).isLessThanOrEqualTo(threadsAfterFirstHalf + 10);
  }

  private List<String> send(HttpClient client, List<Case> cases) throws Exception {
    ExecutorService senders = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> outcomes = new ArrayList<>();
      for (Case c : cases) {
        outcomes.add(senders.submit(() -> check(client, c)));
      }
      List<String> failures = new ArrayList<>();
      for (Future<String> outcome : outcomes) {
        String failure = outcome.get();
        if (failure != null) {
          failures.add(failure);
        }
      }
      return failures;
    } finally {
      senders.shutdownNow();
    }
  }

  /** A mutated request and what the test knows of it. */
  private record Case(String description, byte[] body, String uid) {}

  private String check(HttpClient client, Case c) {
    HttpResponse<String> response;
    try {
      response = client.send(HttpRequest.newBuilder(URI.create(validate.toString() + "?timeout=10s"))
          .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(c.body())).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      return c.description() + ": no answer (" + e + ")";
    }
    int status = response.statusCode();
    if (status == 400 || status == 413) {
      return response.body().isBlank() && status == 400 ? c.description() + ": 400 without a reason" : null;
    }
    if (status != 200) {
      return c.description() + ": HTTP " + status + " " + response.body();
    }
    try {
      JsonNode review = JSON.readTree(response.body());
      JsonNode answer = review.path("response");
      if (!"AdmissionReview".equals(review.path("kind").asText()) || !answer.path("allowed").isBoolean()) {
        return c.description() + ": malformed review " + response.body();
      }
      if (c.uid() != null && !c.uid().equals(answer.path("uid").asText())) {
        return c.description() + ": uid " + answer.path("uid") + " instead of " + c.uid();
      }
    } catch (Exception e) {
      return c.description() + ": unreadable 200 body";
    }
    return null;
  }

  private Case mutate(JsonNode base, Random random) {
    ObjectNode review = base.deepCopy();
    String uid = "fuzz-" + Long.toHexString(random.nextLong());
    ((ObjectNode) review.path("request")).put("uid", uid);
    int mutations = 1 + random.nextInt(4);
    StringBuilder description = new StringBuilder();
    for (int i = 0; i < mutations; i++) {
      description.append(applyOne(review, random)).append("; ");
    }
    JsonNode requestUid = review.path("request").path("uid");
    String expectedUid = requestUid.isTextual() && !requestUid.asText().isBlank() ? requestUid.asText() : null;
    byte[] body = review.toString().getBytes(StandardCharsets.UTF_8);
    if (random.nextInt(10) == 0) {
      body = corrupt(body, random);
      description.append("corrupted bytes");
      expectedUid = null;
    }
    return new Case(description.toString(), body, expectedUid);
  }

  private String applyOne(ObjectNode review, Random random) {
    List<ObjectNode> objects = new ArrayList<>();
    collectObjects(review, objects);
    ObjectNode target = objects.get(random.nextInt(objects.size()));
    List<String> fields = new ArrayList<>();
    target.fieldNames().forEachRemaining(fields::add);
    switch (random.nextInt(6)) {
      case 0 -> {
        if (!fields.isEmpty()) {
          String field = fields.get(random.nextInt(fields.size()));
          target.remove(field);
          return "removed " + field;
        }
        return "nothing";
      }
      case 1 -> {
        if (!fields.isEmpty()) {
          String field = fields.get(random.nextInt(fields.size()));
          target.set(field, randomValue(random, 0));
          return "retyped " + field;
        }
        return "nothing";
      }
      case 2 -> {
        JsonNode containers = review.path("request").path("object").path("spec").path("containers");
        if (containers.isArray() && !containers.isEmpty() && containers.get(0).isObject()) {
          ((ObjectNode) containers.get(0)).put("image", hostileImage(random));
          return "hostile image";
        }
        return "nothing";
      }
      case 3 -> {
        JsonNode spec = review.path("request").path("object").path("spec");
        if (spec.isObject() && spec.path("containers").isArray() && !spec.path("containers").isEmpty()) {
          ArrayNode copies = NODES.arrayNode();
          int n = random.nextInt(200);
          for (int i = 0; i < n; i++) {
            ObjectNode copy = spec.path("containers").get(0).deepCopy();
            copy.put("name", "c" + i).put("image", random.nextBoolean() ? hostileImage(random) : "nginx:1." + i);
            copies.add(copy);
          }
          ((ObjectNode) spec).set(random.nextBoolean() ? "containers" : "initContainers", copies);
          return n + " containers";
        }
        return "nothing";
      }
      case 4 -> {
        String[] operations = {"CREATE", "UPDATE", "DELETE", "CONNECT", "", "create", "PATCH"};
        if (review.path("request").isObject()) {
          ((ObjectNode) review.path("request")).put("operation", operations[random.nextInt(operations.length)]);
        }
        String[] kinds = {"Pod", "Deployment", "CronJob", "Job", "Service", "", "pod", "PodTemplate"};
        JsonNode kind = review.path("request").path("kind");
        if (kind.isObject()) {
          ((ObjectNode) kind).put("kind", kinds[random.nextInt(kinds.length)]);
        }
        return "operation/kind";
      }
      default -> {
        target.set("x" + random.nextInt(1000), deepNesting(random.nextInt(800)));
        return "deep nesting";
      }
    }
  }

  private static void collectObjects(JsonNode node, List<ObjectNode> into) {
    if (node.isObject()) {
      into.add((ObjectNode) node);
    }
    node.elements().forEachRemaining(child -> collectObjects(child, into));
  }

  private JsonNode randomValue(Random random, int depth) {
    return switch (random.nextInt(depth > 2 ? 5 : 7)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.numberNode(random.nextLong());
      case 2 -> NODES.booleanNode(random.nextBoolean());
      case 3 -> NODES.textNode(randomText(random, random.nextInt(64)));
      case 4 -> NODES.numberNode(random.nextDouble());
      case 5 -> {
        ArrayNode array = NODES.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(randomValue(random, depth + 1));
        }
        yield array;
      }
      default -> {
        ObjectNode object = NODES.objectNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          object.set(randomText(random, 6), randomValue(random, depth + 1));
        }
        yield object;
      }
    };
  }

  /** References that must be refused or resolved locally: no host outside this machine resolves in tests. */
  private String hostileImage(Random random) {
    return switch (random.nextInt(9)) {
      case 0 -> "";
      case 1 -> "nginx\u0000:1.27";
      case 2 -> "a".repeat(10_240);
      case 3 -> "NGINX:1.27";
      case 4 -> "nginx@sha256:" + "ab".repeat(random.nextInt(40));
      case 5 -> "localhost:1/" + randomText(random, 20);
      case 6 -> "nginx:" + randomText(random, 200);
      case 7 -> "\u202Enginx:1.27\r\n";
      default -> randomText(random, random.nextInt(80));
    };
  }

  private static String randomText(Random random, int length) {
    String alphabet = "abcdefghijklmnopqrstuvwxyzABC0123456789:/@._-+ \t\n\"\\é€😀\u0001\u007f";
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
    }
    return text.toString();
  }

  private static JsonNode deepNesting(int depth) {
    JsonNode node = NODES.textNode("deep");
    for (int i = 0; i < depth; i++) {
      node = NODES.arrayNode().add(node);
    }
    return node;
  }

  private static byte[] corrupt(byte[] body, Random random) {
    byte[] copy = java.util.Arrays.copyOf(body, random.nextBoolean() ? body.length : random.nextInt(body.length + 1));
    for (int i = random.nextInt(8); i > 0 && copy.length > 0; i--) {
      copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
    }
    return copy;
  }

  private void warmUp(HttpClient client, JsonNode base) throws Exception {
    for (int i = 0; i < 20; i++) {
      check(client, new Case("warm-up", base.toString().getBytes(StandardCharsets.UTF_8), null));
    }
  }

  private static int liveThreads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }



}
