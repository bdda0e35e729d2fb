package dev.imagegate.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.chart.HelmChart.Rendered;
import dev.imagegate.cli.CheckProcess;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.TestImages;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * This repository's own chart, rendered by helm-java, through {@code imagegate check} (the packaged
 * jar as a process) as a pipeline would run it, with the configuration file the chart renders for
 * the webhook: imagegate's Deployment is judged, every other document counted and skipped.
 */
class ChartCheckIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LocalRegistry registry;
  private static String image;
  private static Path values;

  @BeforeAll
  static void imagegatesOwnImageInARegistry() throws Exception {
    registry = LocalRegistry.startPlain("chart-check");
    // as Jib builds it (OwnImageTest): USER 185, no HEALTHCHECK; for both platforms the chart judges
    TestImages.Config own = new TestImages.Config("linux/amd64", "185", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "JAVA_HOME=/usr/lib/jvm/jre", "JAVA_APP_JAR=/home/jboss/quarkus-run.jar"), null, List.of("jib-maven-plugin:3.4"));
    TestImages.in(registry).pushIndex("imagegate/imagegate", "1.0", TestImages.Format.OCI, false, own, own.platform("linux/arm64"));
    image = registry.hostPort() + "/imagegate/imagegate:1.0";
    values = Files.createTempFile("chart-check", ".yaml");
    Files.writeString(values, """
        image:
          repository: %1$s/imagegate/imagegate
          tag: "1.0"
        registries:
          insecure: ["%1$s"]
        """.formatted(registry.hostPort()));
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  /** The webhook's configuration file as the chart renders it into its ConfigMap. */
  private static Path configOf(Rendered chart) throws Exception {
    Path config = Files.createTempFile("chart-config", ".yaml");
    Files.writeString(config, chart.one(ConfigMap.class).getData().get("config.yaml"));
    return config;
  }

  @Test
  void theChartPipedThroughStandardInputIsImagegatesDeploymentAdmittedAndEveryOtherDocumentSkipped() throws Exception {
    String rendered = HelmChart.template(Map.of(), values, HelmChart.RELEASE, HelmChart.NAMESPACE);
    Rendered chart = Rendered.parse(rendered);
    registry.accessLog().reset();

    CheckProcess.Outcome run = CheckProcess.run(rendered, Map.of(), "-f", "-", "--config", configOf(chart).toString(), "-o", "json");

    assertThat(run.exit()).as(run.stdout() + run.stderr()).isZero();
    JsonNode report = JSON.readTree(run.stdout());
    JsonNode workload = report.path("workloads").get(0);
    assertThat(report.path("workloads")).hasSize(1);
    assertThat(workload.path("kind").asText()).isEqualTo("Deployment");
    assertThat(workload.path("namespace").asText()).isEqualTo(HelmChart.NAMESPACE);
    assertThat(workload.path("name").asText()).isEqualTo(chart.one(Deployment.class).getMetadata().getName());
    assertThat(workload.path("outcome").asText()).isEqualTo("pass");
    assertThat(workload.path("findings")).isEmpty();
    assertThat(workload.path("rules").properties()).extracting(Map.Entry::getKey)
        .contains("disallow-latest-tag", "run-as-non-root", "no-secrets-in-env", "require-healthcheck");
    assertThat(workload.path("rules").properties()).extracting(rule -> rule.getValue().asText()).containsOnly("passed");
    assertThat(registry.accessLog().requests()).as("its image was read from the registry").isNotEmpty();
    List<String> others = new ArrayList<>(chart.kinds());
    others.remove("Deployment");
    assertThat(report.path("otherDocuments")).extracting(d -> d.path("kind").asText()).containsExactlyInAnyOrderElementsOf(others)
        .contains("Service", "ConfigMap", "ValidatingWebhookConfiguration", "ClusterRole", "ClusterRoleBinding");
    assertThat(report.path("summary").path("text").asText())
        .isEqualTo("1 workload, 0 would be denied, 0 warned, " + others.size() + " other documents skipped");
  }

  @Test
  void theChartRenderedToAFileIsJudgedAtTheLineOfItsImage() throws Exception {
    String rendered = HelmChart.template(Map.of(), values, HelmChart.RELEASE, HelmChart.NAMESPACE);
    Rendered chart = Rendered.parse(rendered);
    Path file = Path.of("target", "chart-check", "imagegate.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, rendered);
    List<String> lines = List.of(rendered.split("\n", -1));
    int imageLine = lines.indexOf(lines.stream().filter(l -> l.trim().equals("image: \"" + image + "\"")).findFirst().orElseThrow()) + 1;

    CheckProcess.Outcome run = CheckProcess.run("-f", file.toString(), "--config", configOf(chart).toString(), "-o", "junit");

    assertThat(run.exit()).as(run.stdout() + run.stderr()).isZero();
    NodeList cases = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(run.stdout().getBytes(StandardCharsets.UTF_8))).getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(1);
    Element container = (Element) cases.item(0);
    assertThat(container.getAttribute("classname")).isEqualTo("Deployment " + HelmChart.NAMESPACE + "/" + chart.one(Deployment.class).getMetadata().getName());
    assertThat(container.getAttribute("name")).isEqualTo("imagegate (" + image + ")");
    assertThat(container.getAttribute("file")).isEqualTo(file.toString());
    assertThat(container.getAttribute("line")).isEqualTo(String.valueOf(imageLine));
    assertThat(container.getElementsByTagName("failure").getLength()).isZero();
  }

  /** With the default values (imagegate's published image) and no registry: the tag and the pod spec judged, the image rules not. */
  @Test
  void offlineTheDefaultChartPassesWhatCanBeJudgedWithoutItsImage() throws Exception {
    String rendered = HelmChart.template(Map.of());
    Rendered chart = Rendered.parse(rendered);

    CheckProcess.Outcome run = CheckProcess.run(rendered, Map.of(), "-f", "-", "--config", configOf(chart).toString(), "--offline", "-o", "json");

    assertThat(run.exit()).as(run.stdout() + run.stderr()).isZero();
    JsonNode workload = JSON.readTree(run.stdout()).path("workloads").get(0);
    assertThat(workload.path("outcome").asText()).isEqualTo("pass");
    assertThat(workload.path("findings")).isEmpty();
    assertThat(workload.path("rules").path("disallow-latest-tag").asText()).isEqualTo("passed");
    assertThat(workload.path("rules").path("no-secrets-in-env").asText()).isEqualTo("not-evaluated");
    assertThat(workload.path("rules").path("run-as-non-root").asText()).isEqualTo("not-evaluated");
    assertThat(workload.path("rules").path("require-healthcheck").asText()).isEqualTo("not-evaluated");
    assertThat(JSON.readTree(run.stdout()).path("summary").path("otherDocuments").asInt()).isEqualTo(chart.objects().size() - 1);
  }
}
