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
    assertThat(error.path("line").asInt()).isBetween(51, 54);
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

  /** One CronJob, fed to both: the webhook's denial and the CLI's findings name the same containers, rules and words. */
  @Test
  void theCliAndValidateGiveTheSameVerdictForTheSameObject() throws Exception {
    String cronJob = manifests().split("(?m)^---$")[2];
    JsonNode object = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(cronJob);
    ((com.fasterxml.jackson.databind.node.ObjectNode) object.path("metadata")).put("namespace", "apps");
    String review = JSON.writeValueAsString(Map.of("apiVersion", "admission.k8s.io/v1", "kind", "AdmissionReview",
        "request", Map.of("uid", "cli-same", "operation", "CREATE", "kind", Map.of("group", "batch", "version", "v1", "kind", "CronJob"),
            "namespace", "apps", "name", "nightly", "object", object)));
    Path file = Files.createTempFile("cronjob", ".yaml");
    Files.writeString(file, new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).writeValueAsString(object));

    CheckProcess.Outcome cli = CheckProcess.run("-f", file.toString(), "--config", config.toString(), "-o", "json");
    String denial;
    try (dev.imagegate.testing.PackagedApp app = dev.imagegate.testing.PackagedApp.start(config)) {
      java.net.http.HttpClient client = dev.imagegate.testing.PackagedApp.client();
      String body = client.send(app.awaitReady(client).validate(review), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      JsonNode response = JSON.readTree(body).path("response");
      assertThat(response.path("allowed").asBoolean(true)).isFalse();
      denial = response.path("status").path("message").asText() + "\n"
          + String.join("\n", JSON.convertValue(response.path("warnings"), String[].class));
    }

    assertThat(cli.exit()).as(cli.stderr()).isEqualTo(1);
    JsonNode findings = JSON.readTree(cli.stdout()).path("workloads").get(0).path("findings");
    assertThat(findings).hasSize(3);
    for (JsonNode finding : findings) {
      String container = finding.path("container").asText();
      String rule = finding.path("rule").asText();
      String message = finding.path("message").asText();
      if (finding.path("mode").asText().equals("enforce")) { // a line of the denial
        assertThat(denial).contains("container \"" + container + "\" (" + finding.path("image").asText() + "): [" + rule + "] " + message);
      } else { // an apiserver warning, shortened to its limit
        assertThat(denial).contains("[" + rule + "] container \"" + container + "\": " + message.substring(0, 40));
      }
    }
    assertThat(denial).doesNotContain(AWS_SECRET);
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
  }

  @Test
  void junitHasOneTestCasePerWorkloadAndContainerFailingWithTheDenial() throws Exception {
    CheckProcess.Outcome run = CheckProcess.run(manifests(), Map.of(), "-f", "-", "--config", config.toString(), "--format", "junit");

    assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
    org.w3c.dom.Document xml = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new java.io.ByteArrayInputStream(run.stdout().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
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
    JsonNode results = JSON.readTree(sarif.stdout()).path("runs").get(0).path("results");
    assertThat(results).hasSize(3).allSatisfy(result -> {
      assertThat(result.path("suppressions").get(0).path("kind").asText()).isEqualTo("external");
      assertThat(result.path("suppressions").get(0).path("justification").asText())
          .isEqualTo("exception \"nightly-legacy\": legacy report; ticket OPS-77");
    });

    CheckProcess.Outcome junit = CheckProcess.run(manifests(), Map.of(), "-f", "-", "--config", excepting.toString(), "-o", "junit");
    assertThat(junit.exit()).isZero();
    org.w3c.dom.Document xml = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new java.io.ByteArrayInputStream(junit.stdout().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(xml.getElementsByTagName("failure").getLength()).isZero();
    org.w3c.dom.Element cron = (org.w3c.dom.Element) xml.getElementsByTagName("testcase").item(1);
    assertThat(cron.getElementsByTagName("system-out").item(0).getTextContent())
        .contains("excepted: container \"report\"").contains("(excepted by \"nightly-legacy\"");
  }
}
