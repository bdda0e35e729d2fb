package dev.imagegate.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.PackagedApp;
import dev.imagegate.testing.TestImages;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One answer, whoever asks: the apiserver sends a review to any replica (and a
 * {@code --dry-run=server} request to yet another), so five fresh processes of the packaged
 * application, each with its own CDI start-up, must deny one pod with the same words in the same
 * order (docs/rules.md: containers as the pod spec lists them, then the fixed rule order).
 */
class SameVerdictEveryReplicaIT {
  private static final int REPLICAS = 5;
  private static final Pattern FINDING = Pattern.compile("^container \"([^\"]+)\" \\([^)]*\\): \\[([a-z-]+)]", Pattern.MULTILINE);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void fiveFreshProcessesDenyOnePodWithByteIdenticalMessages() throws Exception {
    try (LocalRegistry registry = LocalRegistry.startPlain("same-verdict")) {
      // Root, no HEALTHCHECK, an AWS key in its env: breaks every rule that reads the image.
      TestImages.Config leaky = TestImages.nginx().withEnv("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE");
      TestImages images = TestImages.in(registry);
      images.push("shop/leaky", "latest", leaky);
      images.push("shop/leaky", "1.0", leaky);
      Path config = Files.createTempFile("imagegate-replicas", ".yaml");
      Files.writeString(config, """
          mode: enforce
          registries:
            insecure: ["%s"]
            timeout: 5s
          """.formatted(registry.hostPort()));

      List<PackagedApp> replicas = new ArrayList<>();
      try {
        for (int i = 0; i < REPLICAS; i++) {
          replicas.add(PackagedApp.start(config)); // all start at once
        }
        HttpClient client = PackagedApp.client();
        String review = review(registry.hostPort());
        List<String> bodies = new ArrayList<>();
        for (PackagedApp replica : replicas) {
          HttpResponse<String> answer = client.send(replica.awaitReady(client).validate(review), HttpResponse.BodyHandlers.ofString());
          assertThat(answer.statusCode()).isEqualTo(200);
          bodies.add(answer.body());
        }

        JsonNode response = JSON.readTree(bodies.get(0)).path("response");
        assertThat(response.path("allowed").asBoolean(true)).isFalse();
        String message = response.path("status").path("message").asText();
        assertThat(bodies).as("every replica's whole answer").allSatisfy(body -> assertThat(body).isEqualTo(bodies.get(0)));

        assertThat(findings(message)).containsExactly(
            "migrate disallow-latest-tag",
            "migrate run-as-non-root",
            "migrate no-secrets-in-env",
            "web run-as-non-root",
            "web no-secrets-in-env",
            "web no-secrets-in-env",
            "web require-healthcheck",
            "cache image-unavailable",
            "debug image-reference");
        assertThat(message).startsWith("imagegate: 9 violations\n").doesNotContain("AKIAIOSFODNN7EXAMPLE", "Zq8wL2vR9tYx4Kp");
      } finally {
        for (PackagedApp replica : replicas) {
          replica.close();
        }
      }
    }
  }

  /** {@code CONTAINER RULE} of each line of a denial message, in order. */
  private static List<String> findings(String message) {
    List<String> findings = new ArrayList<>();
    Matcher line = FINDING.matcher(message);
    while (line.find()) {
      findings.add(line.group(1) + " " + line.group(2));
    }
    return findings;
  }

  /**
   * A pod with an init container, two app containers and an ephemeral one, each breaking something;
   * its lists are written out of alphabetical order, so only the pod spec's order can explain the answer.
   */
  private static String review(String registry) {
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"same-verdict","operation":"CREATE",
         "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"apps","name":"shop",
         "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"shop","namespace":"apps"},
          "spec":{
           "ephemeralContainers":[{"name":"debug","image":"Shop/Debug:1"}],
           "containers":[
            {"name":"web","image":"%1$s/shop/leaky:1.0","env":[{"name":"DB_PASSWORD","value":"Zq8wL2vR9tYx4Kp"}]},
            {"name":"cache","image":"%1$s/shop/missing:1.0"}],
           "initContainers":[{"name":"migrate","image":"%1$s/shop/leaky:latest"}]}}}}
        """.formatted(registry);
  }
}
