package dev.imagegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code imagegate check} as a CI runner runs it: the packaged jar as a process, against a real
 * registry, reading files, directories and standard input, in every format, with its exit codes.
 */
class CheckCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  private static LocalRegistry registry;
  private static Path config;
  private static String host;

  @BeforeAll
  static void registryWithImages() throws Exception {
    registry = LocalRegistry.startPlain("cli-check");
    host = registry.hostPort();
    TestImages images = TestImages.in(registry);
    images.push("shop/root", "1.0", TestImages.nginx()); // root, no HEALTHCHECK
    images.push("shop/nonroot", "1.0", TestImages.distrolessNonroot().healthcheck(List.of("CMD", "/healthz")));
    config = Files.createTempFile("imagegate-cli", ".yaml");
    Files.writeString(config, """
        mode: enforce
        rules:
          require-healthcheck:
            mode: warn
        registries:
          insecure: ["%s"]
          timeout: 5s
        """.formatted(host));
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  /** Deployment (root image, but runAsUser and a probe make it acceptable), CronJob (root), a List with a Pod, a Service, a broken document. */
  static String manifests() {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          template:
            spec:
              securityContext:
                runAsUser: 1000
              containers:
                - name: web
                  image: %1$s/shop/root:1.0
                  readinessProbe:
                    httpGet: {path: /, port: 80}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: nightly
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                  - name: report
                    image: %1$s/shop/root:1.0
                    env:
                    - name: AWS_SECRET_ACCESS_KEY
                      value: %2$s
        ---
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Pod
          metadata:
            name: tool
          spec:
            containers:
            - name: tool
              image: %1$s/shop/nonroot:1.0
        """.formatted(host, AWS_SECRET);
  }

  static final String BROKEN = """
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: broken
      """;

  @Test
  void multiDocumentFileIsJudgedAsAdmissionWouldWithImageLinesAndTheBrokenDocumentReported() throws Exception {
    Path file = Files.createTempFile("manifests", ".yaml");
    Files.writeString(file, manifests() + BROKEN);

    CheckProcess.Outcome run = CheckProcess.run("-f", file.toString(), "--config", config.toString(), "--format", "json");

    assertThat(run.exit()).as(run.stderr()).isEqualTo(2); // an input error wins over the denial
    JsonNode report = JSON.readTree(run.stdout());
    assertThat(report.path("summary").path("workloads").asInt()).isEqualTo(3);
    assertThat(report.path("summary").path("denied").asInt()).isEqualTo(1);
    assertThat(report.path("summary").path("otherDocuments").asInt()).isEqualTo(1);
    JsonNode workloads = report.path("workloads");
    assertThat(workloads.get(0).path("kind").asText()).isEqualTo("Deployment");
    assertThat(workloads.get(0).path("outcome").asText()).isEqualTo("pass");
    assertThat(workloads.get(1).path("kind").asText()).isEqualTo("CronJob");
    assertThat(workloads.get(1).path("namespace").asText()).isEqualTo("default");
    assertThat(workloads.get(1).path("outcome").asText()).isEqualTo("deny");
    assertThat(rules(workloads.get(1))).containsExactly("run-as-non-root", "no-secrets-in-env", "require-healthcheck");
    assertThat(workloads.get(1).path("findings").get(0).path("line").asInt()).isEqualTo(34); // the line of its image:
    assertThat(workloads.get(2).path("kind").asText()).isEqualTo("Pod");
    assertThat(workloads.get(2).path("outcome").asText()).isEqualTo("pass");
    assertThat(workloads.get(2).path("findings").size()).isZero();
    JsonNode error = report.path("inputErrors").get(0);
    assertThat(error.path("source").asText()).isEqualTo(file.toString());
    assertThat(error.path("line").asInt()).as("the line of the unclosed {, where the document ends").isEqualTo(53);
    assertThat(error.path("message").asText()).startsWith("not valid YAML (document from line 51): ");
    assertThat(run.stdout() + run.stderr()).doesNotContain(AWS_SECRET);
  }

  @Test
  void standardInputGivesTheSameReportAsTheFileAndExitsOneOnADenial() throws Exception {
    CheckProcess.Outcome run = CheckProcess.run(manifests(), Map.of(), "-f", "-", "--config", config.toString());

    assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
    assertThat(run.stdout())
        .contains("Deployment shop/web (line 1): would be admitted")
        .contains("CronJob default/nightly (line 22): would be denied")
        .contains("line 34: deny container \"report\" (" + host + "/shop/root:1.0): [run-as-non-root]")
        .contains("[no-secrets-in-env] pod env \"AWS_SECRET_ACCESS_KEY\" holds a secret")
        .contains("line 34: warn container \"report\"")
        .endsWith("3 workloads, 1 would be denied, 0 warned, 1 other document skipped\n")
        .doesNotContain(AWS_SECRET)
        .doesNotContain("\u001b["); // no colours off a terminal
  }

  @Test
  void failOnDecidesTheExitCode() throws Exception {
    String warnedOnly = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
          - name: c
            image: %s/shop/nonroot:1.0
            securityContext: {runAsUser: 1000}
        """.formatted(host);
    Path noHealthcheck = Files.createTempFile("imagegate-cli", ".yaml");
    Files.writeString(noHealthcheck, Files.readString(config));
    TestImages.in(registry).push("shop/plain", "1.0", TestImages.distrolessNonroot());
    String plain = warnedOnly.replace("shop/nonroot", "shop/plain");

    assertThat(CheckProcess.run(plain, Map.of(), "-f", "-", "--config", config.toString()).exit()).isZero();
    assertThat(CheckProcess.run(plain, Map.of(), "-f", "-", "--config", config.toString(), "--fail-on", "warn").exit()).isEqualTo(1);
    assertThat(CheckProcess.run("--image", host + "/shop/root:1.0", "--config", config.toString(), "--fail-on", "never").exit()).isZero();
  }

  @Test
  void aBareImageIsJudgedAsAPodWithNoSecurityContext() throws Exception {
    CheckProcess.Outcome run = CheckProcess.run("--image", host + "/shop/root:1.0", "--image", host + "/shop/nonroot:1.0",
        "--config", config.toString(), "-o", "json");

    assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
    JsonNode workloads = JSON.readTree(run.stdout()).path("workloads");
    assertThat(workloads.get(0).path("outcome").asText()).isEqualTo("deny");
    assertThat(rules(workloads.get(0))).containsExactly("run-as-non-root", "require-healthcheck");
    assertThat(workloads.get(1).path("outcome").asText()).isEqualTo("pass");
  }

  @Test
  void anImageTheRegistryDoesNotHaveIsUnavailableWithTheRegistrysReason() throws Exception {
    CheckProcess.Outcome run = CheckProcess.run("--image", host + "/shop/root:9.9", "--config", config.toString(), "-o", "json");

    JsonNode finding = JSON.readTree(run.stdout()).path("workloads").get(0).path("findings").get(0);
    assertThat(finding.path("rule").asText()).as(run.stdout()).isEqualTo("image-unavailable");
    assertThat(finding.path("message").asText()).startsWith(host + "/shop/root:9.9: ").endsWith(" (HTTP 404)");
    assertThat(finding.path("reason").asText()).isEqualTo("not_found");
  }

  @Test
  void offlineReadsNoRegistryAndStillJudgesTheTag() throws Exception {
    registry.accessLog().reset();
    CheckProcess.Outcome run = CheckProcess.run("--image", host + "/shop/root:latest", "--image", host + "/shop/root:1.0",
        "--config", config.toString(), "--offline", "-o", "json");

    assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
    JsonNode workloads = JSON.readTree(run.stdout()).path("workloads");
    assertThat(rules(workloads.get(0))).containsExactly("disallow-latest-tag");
    assertThat(workloads.get(0).path("rules").path("run-as-non-root").asText()).isEqualTo("not-evaluated");
    assertThat(workloads.get(1).path("outcome").asText()).isEqualTo("pass");
    assertThat(workloads.get(1).path("rules").path("require-healthcheck").asText()).isEqualTo("not-evaluated");
    assertThat(registry.accessLog().requests()).isEmpty();
  }

  /** A Deployment with a literal AWS secret key in its pod env, and a container on :latest. */
  static String leakyDeployment() {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: leaky
          namespace: shop
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: %1$s/shop/root:1.0
                  env:
                    - name: LOG_LEVEL
                      value: debug
                    - name: AWS_SECRET_ACCESS_KEY
                      value: %2$s
                - name: tools
                  image: %1$s/shop/nonroot:latest
        """.formatted(host, AWS_SECRET);
  }

  @Test
  void offlineStillJudgesTheTagAndPodEnvSecretsByNameInEveryFormatAndReportsTheImageRulesNotEvaluated() throws Exception {
    Path file = Path.of("target", "cli-offline", "leaky.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, leakyDeployment());
    registry.accessLog().reset();
    Map<String, CheckProcess.Outcome> runs = new java.util.LinkedHashMap<>();
    for (String format : List.of("text", "json", "sarif", "junit")) {
      runs.put(format, CheckProcess.run("-f", file.toString(), "--config", config.toString(), "--offline", "-o", format));
    }

    assertThat(registry.accessLog().requests()).as("no registry access").isEmpty();
    runs.forEach((format, run) -> {
      assertThat(run.exit()).as(format + ": " + run.stderr()).isEqualTo(1);
      assertThat(run.stdout() + run.stderr()).as(format).doesNotContain(AWS_SECRET).doesNotContain("image-unavailable");
    });
    JsonNode workload = JSON.readTree(runs.get("json").stdout()).path("workloads").get(0);
    assertThat(workload.path("outcome").asText()).isEqualTo("deny");
    assertThat(workload.path("findings")).extracting(f -> f.path("container").asText() + " " + f.path("rule").asText() + " "
            + f.path("message").asText() + " line " + f.path("line").asInt())
        .containsExactly(
            "app no-secrets-in-env pod env \"AWS_SECRET_ACCESS_KEY\" holds a secret; use valueFrom.secretKeyRef instead of a literal value line 11",
            "tools disallow-latest-tag " + workload.path("findings").get(1).path("message").asText() + " line 18");
    assertThat(workload.path("findings").get(1).path("message").asText()).contains("latest");
    assertThat(workload.path("rules").path("no-secrets-in-env").asText()).isEqualTo("violated");
    assertThat(workload.path("rules").path("disallow-latest-tag").asText()).isEqualTo("violated");
    assertThat(workload.path("rules").path("run-as-non-root").asText()).isEqualTo("not-evaluated");
    assertThat(workload.path("rules").path("require-healthcheck").asText()).isEqualTo("not-evaluated");
    assertThat(runs.get("text").stdout())
        .contains("line 11: deny container \"app\" (" + host + "/shop/root:1.0): [no-secrets-in-env] pod env \"AWS_SECRET_ACCESS_KEY\"")
        .contains("[run-as-non-root] not evaluated: image config not read")
        .endsWith("1 workload, 1 would be denied, 0 warned (offline: image config not read)\n");
    String sarif = runs.get("sarif").stdout();
    assertThat(SarifSchema.problems(sarif)).isEmpty();
    JsonNode sarifRun = JSON.readTree(sarif).path("runs").get(0);
    assertThat(sarifRun.path("results")).extracting(r -> r.path("ruleId").asText()).containsExactly("no-secrets-in-env", "disallow-latest-tag");
    assertEachFindingIsAtItsImageLine(sarifRun, Files.readAllLines(file));
    org.w3c.dom.Document junit = junitXml(runs.get("junit").stdout());
    org.w3c.dom.NodeList failures = junit.getElementsByTagName("failure");
    assertThat(failures.getLength()).isEqualTo(2);
    assertThat(failures.item(0).getTextContent()).contains("[no-secrets-in-env] pod env \"AWS_SECRET_ACCESS_KEY\"");
  }

  /**
   * While the command runs (standard input held open: it is reading it, so Quarkus has started
   * everything it starts), the process listens on no TCP port, even with every port of the webhook
   * configured through the environment.
   */
  @Test
  void checkOpensNoPortEvenWithThePortsConfigured() throws Exception {
    Map<String, String> ports = Map.of("QUARKUS_HTTP_PORT", String.valueOf(LocalRegistry.freePort()),
        "QUARKUS_HTTP_SSL_PORT", String.valueOf(LocalRegistry.freePort()),
        "QUARKUS_MANAGEMENT_PORT", String.valueOf(LocalRegistry.freePort()));
    CheckProcess.Started check = CheckProcess.start(ports, "-f", "-", "--offline");
    try (var stdin = check.process().getOutputStream()) {
      // more than a pipe holds: once written, the command has read most of it, from inside its run
      stdin.write(("# " + "x".repeat(1021) + "\n").repeat(1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      stdin.flush();

      assertThat(check.process().isAlive()).isTrue();
      assertThat(dev.imagegate.testing.ListeningPorts.of(check.process().pid())).isEmpty();
      for (String port : ports.values()) {
        new java.net.ServerSocket(Integer.parseInt(port), 1, java.net.InetAddress.getLoopbackAddress()).close(); // not taken
      }
      stdin.write("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx:1.27}]\n"
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    CheckProcess.Outcome done = check.finish(null);
    assertThat(done.exit()).as(done.stderr()).isZero();
    assertThat(done.stdout()).endsWith("1 workload, 0 would be denied, 0 warned (offline: image config not read)\n");
  }

  @Test
  void usageAndConfigurationErrorsExitTwoWithAClearMessage() throws Exception {
    CheckProcess.Outcome nothing = CheckProcess.run();
    assertThat(nothing.exit()).isEqualTo(2);
    assertThat(nothing.stderr()).contains("nothing to judge");

    CheckProcess.Outcome badFormat = CheckProcess.run("--image", "nginx:1.27", "--format", "xml");
    assertThat(badFormat.exit()).isEqualTo(2);
    assertThat(badFormat.stderr()).contains("--format").contains("xml");

    Path badConfig = Files.createTempFile("imagegate-cli", ".yaml");
    Files.writeString(badConfig, "rules:\n  no-such-rule: {mode: warn}\nregistriez: {}\n");
    CheckProcess.Outcome wrongKey = CheckProcess.run("--image", "nginx:1.27", "--config", badConfig.toString());
    assertThat(wrongKey.exit()).isEqualTo(2);
    assertThat(wrongKey.stderr()).contains("registriez");

    CheckProcess.Outcome missing = CheckProcess.run("-f", "/no/such/dir", "--offline");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.stdout()).contains("/no/such/dir").contains("no such file or directory");
  }

  /** The optional rules: off with the usual configuration, on where it sets their mode; sizes and histories come from the registry. */
  @Test
  void optionalRulesJudgeOnlyWhereTheConfigurationTurnsThemOn() throws Exception {
    String careless;
    try (var json = CheckCommandIT.class.getResourceAsStream("/image-configs/careless-python-app.json")) {
      careless = new String(json.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    TestImages.in(registry).pushConfigJson("shop/careless", "1.0", "linux/amd64", careless, TestImages.Format.DOCKER);
    Path allOn = Files.createTempFile("imagegate-cli", ".yaml");
    Files.writeString(allOn, """
        mode: enforce
        rules:
          require-healthcheck: {mode: warn}
          no-sudo: {mode: enforce}
          no-ssh-port: {mode: enforce}
          no-remote-add: {mode: warn}
          no-build-tools: {mode: warn}
          apt-lists-cleaned: {mode: audit}
          image-size: {mode: warn, maxCompressedSize: 1B}
          python-unbuffered: {mode: warn}
        registries:
          insecure: ["%s"]
          timeout: 5s
        """.formatted(host));

    CheckProcess.Outcome usual = CheckProcess.run("--image", host + "/shop/careless:1.0", "--config", config.toString(), "-o", "json");
    CheckProcess.Outcome on = CheckProcess.run("--image", host + "/shop/careless:1.0", "--config", allOn.toString(), "-o", "json");

    assertThat(rules(JSON.readTree(usual.stdout()).path("workloads").get(0)))
        .containsExactly("run-as-non-root", "no-secrets-in-env", "require-healthcheck");
    assertThat(rules(JSON.readTree(on.stdout()).path("workloads").get(0)))
        .containsExactly("run-as-non-root", "no-secrets-in-env", "require-healthcheck", "no-sudo", "no-ssh-port", "no-remote-add",
            "no-build-tools", "apt-lists-cleaned", "image-size", "python-unbuffered");
    assertThat(on.stdout()).contains("in step 12").doesNotContain("Xk82mPq7Lz");
  }

  @Test
  void aDirectoryIsReadRecursivelyForYamlAndJsonOnly() throws Exception {
    Path dir = Files.createTempDirectory("manifests");
    Files.createDirectories(dir.resolve("nested"));
    Files.writeString(dir.resolve("a.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: c, image: nginx}]\n");
    Files.writeString(dir.resolve("nested/b.json"),
        "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"b\"},\n \"spec\": {\"containers\": [{\"name\": \"c\",\n \"image\": \"nginx:latest\"}]}}");
    Files.writeString(dir.resolve("README.md"), "not a manifest: [");

    CheckProcess.Outcome run = CheckProcess.run("-f", dir.toString(), "--offline", "-o", "json");

    assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
    JsonNode workloads = JSON.readTree(run.stdout()).path("workloads");
    assertThat(workloads).hasSize(2);
    assertThat(workloads.get(1).path("findings").get(0).path("line").asInt()).isEqualTo(3);
  }

  /**
   * One set of objects fed to both, each with its namespace written in as the apiserver sends it:
   * the packaged webhook's {@code /validate} and {@code check} decide the same (denied or admitted)
   * and word the same findings (a denial's lines, the warnings).
   */
  @Test
  void theCliAndValidateGiveTheSameVerdictForTheSameObjects() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    List<JsonNode> objects = new java.util.ArrayList<>();
    for (String document : (manifests() + "---\n" + leakyDeployment()).split("(?m)^---$")) {
      JsonNode object = yaml.readTree(document);
      for (JsonNode one : object.path("kind").asText().equals("List") ? List.of(JSON.convertValue(object.path("items"), JsonNode[].class))
          : List.of(object)) {
        if (!one.path("kind").asText().equals("Service")) {
          ((com.fasterxml.jackson.databind.node.ObjectNode) one.path("metadata")).put("namespace", one.path("metadata").path("namespace").asText("apps"));
          objects.add(one);
        }
      }
    }
    Path file = Files.createTempFile("same-objects", ".yaml");
    Files.writeString(file, String.join("---\n", objects.stream().map(o -> {
      try {
        return yaml.writeValueAsString(o).replaceFirst("^---\n", "");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).toList()));

    CheckProcess.Outcome cli = CheckProcess.run("-f", file.toString(), "--config", config.toString(), "-o", "json");
    List<JsonNode> responses = new java.util.ArrayList<>();
    try (dev.imagegate.testing.PackagedApp app = dev.imagegate.testing.PackagedApp.start(config)) {
      java.net.http.HttpClient client = dev.imagegate.testing.PackagedApp.client();
      app.awaitReady(client);
      assertThat(dev.imagegate.testing.ListeningPorts.of(app.process().pid())).as("the webhook listens: the probe of the port test sees ports")
          .contains(app.webhookPort());
      for (JsonNode object : objects) {
        String review = dev.imagegate.admission.Reviews.create(
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization().unmarshal(JSON.writeValueAsString(object)));
        responses.add(JSON.readTree(client.send(app.validate(review), java.net.http.HttpResponse.BodyHandlers.ofString()).body())
            .path("response"));
      }
    }

    assertThat(cli.exit()).as(cli.stderr()).isEqualTo(1);
    JsonNode workloads = JSON.readTree(cli.stdout()).path("workloads");
    assertThat(workloads).extracting(w -> w.path("kind").asText() + " " + w.path("outcome").asText())
        .containsExactly("Deployment pass", "CronJob deny", "Pod pass", "Deployment deny");
    for (int i = 0; i < objects.size(); i++) {
      JsonNode workload = workloads.get(i);
      JsonNode response = responses.get(i);
      String denial = response.path("status").path("message").asText("");
      List<String> warnings = new java.util.ArrayList<>();
      response.path("warnings").forEach(warning -> warnings.add(warning.asText()));
      assertThat(response.path("allowed").asBoolean()).as("admitted: %s", workload).isEqualTo(!workload.path("outcome").asText().equals("deny"));
      List<JsonNode> findings = List.of(JSON.convertValue(workload.path("findings"), JsonNode[].class));
      assertThat(warnings).as("one warning per finding that warns").hasSize((int) findings.stream().filter(f -> f.path("mode").asText().equals("warn")).count());
      for (JsonNode finding : findings) {
        String container = finding.path("container").asText();
        String rule = finding.path("rule").asText();
        String message = finding.path("message").asText();
        if (finding.path("mode").asText().equals("enforce")) { // a line of the denial
          assertThat(denial).contains("container \"" + container + "\" (" + finding.path("image").asText() + "): [" + rule + "] " + message);
        } else { // an apiserver warning, shortened to its limit
          assertThat(String.join("\n", warnings)).contains("[" + rule + "] container \"" + container + "\": " + message.substring(0, Math.min(40, message.length())));
        }
      }
      assertThat(denial + warnings).doesNotContain(AWS_SECRET);
    }
  }

  @Test
  void sarifLocatesEachFindingAtItsImageLineWithOneRuleEntryPerRuleId() throws Exception {
    Path file = Path.of("target", "cli-sarif", "deploy.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, manifests() + BROKEN);
    Path sarif = Files.createTempFile("imagegate", ".sarif");

    CheckProcess.Outcome run = CheckProcess.run("-f", file.toString(), "--config", config.toString(), "--format", "sarif",
        "--output", sarif.toString());

    assertThat(run.exit()).as(run.stderr()).isEqualTo(2);
    assertThat(run.stdout()).isEmpty();
    JsonNode log = JSON.readTree(sarif.toFile());
    assertThat(log.path("version").asText()).isEqualTo("2.1.0");
    JsonNode sarifRun = log.path("runs").get(0);
    List<String> ruleIds = java.util.stream.StreamSupport.stream(sarifRun.path("tool").path("driver").path("rules").spliterator(), false)
        .map(r -> r.path("id").asText()).toList();
    assertThat(ruleIds).doesNotHaveDuplicates().contains("disallow-latest-tag", "run-as-non-root", "no-secrets-in-env",
        "require-healthcheck", "input-error");
    assertThat(sarifRun.path("tool").path("driver").path("rules").get(0).path("helpUri").asText()).contains("docs/rules.md#");
    JsonNode results = sarifRun.path("results");
    assertThat(results).hasSize(4);
    JsonNode first = results.get(0);
    assertThat(first.path("ruleId").asText()).isEqualTo("run-as-non-root");
    assertThat(first.path("level").asText()).isEqualTo("error");
    assertThat(ruleIds.get(first.path("ruleIndex").asInt())).isEqualTo("run-as-non-root");
    JsonNode location = first.path("locations").get(0).path("physicalLocation");
    assertThat(location.path("artifactLocation").path("uri").asText()).isEqualTo("target/cli-sarif/deploy.yaml");
    assertThat(location.path("region").path("startLine").asInt()).isEqualTo(34);
    assertThat(results.get(2).path("level").asText()).isEqualTo("warning");
    assertThat(results.get(3).path("ruleId").asText()).isEqualTo("input-error");
    assertThat(Files.readString(sarif)).doesNotContain(AWS_SECRET);
    assertThat(SarifSchema.problems(Files.readString(sarif))).isEmpty();
    assertEachFindingIsAtItsImageLine(sarifRun, Files.readAllLines(file));
    assertEachHelpUriLandsOnAHeading(sarifRun);
  }

  /** Each result of a finding names, at its startLine in the file, the line holding the {@code image:} of its container. */
  private static void assertEachFindingIsAtItsImageLine(JsonNode sarifRun, List<String> lines) {
    for (JsonNode result : sarifRun.path("results")) {
      if (result.path("ruleId").asText().equals(RuleHelp.INPUT_ERROR)) {
        continue;
      }
      int startLine = result.path("locations").get(0).path("physicalLocation").path("region").path("startLine").asInt();
      String image = result.path("message").path("text").asText().replaceFirst("^.*?container \"[^\"]*\" \\(([^)]*)\\).*$", "$1");
      assertThat(lines.get(startLine - 1)).as("line %d of %s", startLine, result).matches("\\s*(- )?image: \"?" + java.util.regex.Pattern.quote(image) + "\"?");
    }
  }

  /** Each rule's helpUri is a section of the documentation that exists. */
  private static void assertEachHelpUriLandsOnAHeading(JsonNode sarifRun) {
    for (JsonNode rule : sarifRun.path("tool").path("driver").path("rules")) {
      String uri = rule.path("helpUri").asText();
      assertThat(uri).startsWith(RuleHelp.REPOSITORY + "/blob/main/docs/");
      Path doc = Path.of("docs", uri.substring(uri.indexOf("/docs/") + "/docs/".length(), uri.indexOf('#')));
      assertThat(RuleHelpTest.anchors(doc)).as("%s for %s", uri, rule.path("id").asText()).contains(uri.substring(uri.indexOf('#') + 1));
    }
  }

  @Test
  void junitHasOneTestCasePerWorkloadAndContainerFailingWithTheDenial() throws Exception {
    CheckProcess.Outcome run = CheckProcess.run(manifests(), Map.of(), "-f", "-", "--config", config.toString(), "--format", "junit");

    assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
    org.w3c.dom.Document xml = junitXml(run.stdout());
    org.w3c.dom.NodeList cases = xml.getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(3);
    org.w3c.dom.Element cron = (org.w3c.dom.Element) cases.item(1);
    assertThat(cron.getAttribute("classname")).isEqualTo("CronJob default/nightly");
    assertThat(cron.getAttribute("name")).isEqualTo("report (" + host + "/shop/root:1.0)");
    org.w3c.dom.Element failure = (org.w3c.dom.Element) cron.getElementsByTagName("failure").item(0);
    assertThat(failure.getTextContent()).contains("[run-as-non-root]").contains("[no-secrets-in-env]").doesNotContain(AWS_SECRET);
    assertThat(cron.getElementsByTagName("system-out").item(0).getTextContent()).startsWith("warn: ").contains("[require-healthcheck]");
    assertThat(((org.w3c.dom.Element) cases.item(0)).getElementsByTagName("failure").getLength()).isZero();
    org.w3c.dom.Element suite = (org.w3c.dom.Element) xml.getElementsByTagName("testsuite").item(0);
    assertThat(suite.getAttribute("tests")).isEqualTo("3");
    assertThat(suite.getAttribute("failures")).isEqualTo("1");
  }

  /** A JUnit report, parsed as CI servers parse it: it must be well-formed XML. */
  private static org.w3c.dom.Document junitXml(String report) throws Exception {
    return javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new java.io.ByteArrayInputStream(report.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private static List<String> rules(JsonNode workload) {
    return java.util.stream.StreamSupport.stream(workload.path("findings").spliterator(), false)
        .map(f -> f.path("rule").asText()).distinct().toList();
  }

  @Test
  void exceptedViolationsAreShownAsExceptedInEveryFormatAndFailNothing() throws Exception {
    Path excepting = Files.createTempFile("imagegate-cli-exceptions", ".yaml");
    Files.writeString(excepting, Files.readString(config) + """
        exceptions:
          - name: nightly-legacy
            rules: ["*"]
            namespaces: [default]
            workloads: [CronJob/nightly]
            reason: "legacy report; ticket OPS-77"
        """);

    CheckProcess.Outcome text = CheckProcess.run(manifests(), Map.of(), "-f", "-", "--config", excepting.toString());
    assertThat(text.exit()).as(text.stdout() + text.stderr()).isZero();
    assertThat(text.stdout()).contains("CronJob default/nightly (line 22): would be admitted")
        .contains("excepted container \"report\" (" + host + "/shop/root:1.0): [run-as-non-root]")
        .contains("(excepted by \"nightly-legacy\": legacy report; ticket OPS-77)")
        .contains("3 workloads, 0 would be denied, 0 warned, 3 violations excepted")
        .doesNotContain(AWS_SECRET);

    CheckProcess.Outcome json = CheckProcess.run(manifests(), Map.of(), "-f", "-", "--config", excepting.toString(), "-o", "json");
    JsonNode report = JSON.readTree(json.stdout());
    assertThat(report.path("summary").path("excepted").asInt()).isEqualTo(3);
    JsonNode nightly = report.path("workloads").get(1);
    assertThat(nightly.path("outcome").asText()).isEqualTo("pass");
    assertThat(nightly.path("findings")).isEmpty();
    assertThat(nightly.path("excepted")).hasSize(3);
    assertThat(nightly.path("excepted").get(0).path("exception").asText()).isEqualTo("nightly-legacy");
    assertThat(nightly.path("excepted").get(0).path("reason").asText()).isEqualTo("legacy report; ticket OPS-77");
    assertThat(nightly.path("rules").path("run-as-non-root").asText()).isEqualTo("excepted");
    assertThat(json.stdout()).doesNotContain(AWS_SECRET);

    CheckProcess.Outcome sarif = CheckProcess.run(manifests(), Map.of(), "-f", "-", "--config", excepting.toString(), "-o", "sarif");
    assertThat(sarif.exit()).isZero();
    assertThat(SarifSchema.problems(sarif.stdout())).isEmpty();
    JsonNode results = JSON.readTree(sarif.stdout()).path("runs").get(0).path("results");
    assertThat(results).hasSize(3).allSatisfy(result -> {
      assertThat(result.path("suppressions").get(0).path("kind").asText()).isEqualTo("external");
      assertThat(result.path("suppressions").get(0).path("justification").asText())
          .isEqualTo("exception \"nightly-legacy\": legacy report; ticket OPS-77");
    });

    CheckProcess.Outcome junit = CheckProcess.run(manifests(), Map.of(), "-f", "-", "--config", excepting.toString(), "-o", "junit");
    assertThat(junit.exit()).isZero();
    org.w3c.dom.Document xml = junitXml(junit.stdout());
    assertThat(xml.getElementsByTagName("failure").getLength()).isZero();
    org.w3c.dom.Element cron = (org.w3c.dom.Element) xml.getElementsByTagName("testcase").item(1);
    assertThat(cron.getElementsByTagName("system-out").item(0).getTextContent())
        .contains("excepted: container \"report\"").contains("(excepted by \"nightly-legacy\"");
  }
}
