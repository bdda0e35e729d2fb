package dev.imagegate.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.imagegate.admission.NamespaceModes;
import dev.imagegate.audit.AuditReport;
import dev.imagegate.audit.Auditor;
import dev.imagegate.audit.MockCluster;
import dev.imagegate.chart.HelmChart.Rendered;
import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.registry.ImageResolver;
import dev.imagegate.registry.RegistryTesting;
import dev.imagegate.rules.DisallowLatestTagRule;
import dev.imagegate.rules.NoSecretsInEnvRule;
import dev.imagegate.rules.RequireHealthcheckRule;
import dev.imagegate.rules.RunAsNonRootRule;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.TestImages;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One answer, whoever asks: the background audit judges exactly what the chart's
 * ValidatingWebhookConfiguration sends to imagegate. The chart is rendered, its configuration
 * drives a real engine over a real registry, and the audit runs against a mock API server holding
 * workloads inside and outside the webhook's selectors.
 */
class ChartAuditScopeTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static LocalRegistry registry;
  private static Rendered chart;
  private static ImagegateConfig config;

  @BeforeAll
  static void renderAndStartRegistry(@TempDir Path dir) throws Exception {
    registry = LocalRegistry.startPlain("chart-audit");
    TestImages.in(registry).push("library/nginx", "1.27", TestImages.nginx());
    // docker.io is read from the local registry, as through a mirror; the rest are the chart's values.
    Path values = dir.resolve("values.yaml");
    Files.writeString(values, """
        audit:
          enabled: true
        registries:
          mirrors: {docker.io: "http://%1$s"}
          insecure: ["%1$s"]
        webhook:
          excludeNamespaces: [monitoring]
          objectSelector:
            matchExpressions: [{key: imagegate.dev/skip, operator: DoesNotExist}]
        """.formatted(registry.hostPort()));
    chart = HelmChart.renderWithValuesFile(values, Map.of());
    config = ConfigLoader.parse(chart.one(ConfigMap.class).getData().get("config.yaml"));
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void configurationCarriesTheWebhooksOwnSelectors() throws Exception {
    ValidatingWebhook webhook = chart.one(ValidatingWebhookConfiguration.class).getWebhooks().get(0);
    @SuppressWarnings("unchecked")
    Map<String, Object> audit = (Map<String, Object>) YAML.readValue(chart.one(ConfigMap.class).getData().get("config.yaml"),
        Map.class).get("audit");
    assertThat(audit.get("namespaceSelector")).as("the same selector, rendered once")
        .isEqualTo(asMap(webhook.getNamespaceSelector()));
    assertThat(audit.get("objectSelector")).isEqualTo(asMap(webhook.getObjectSelector()));
    assertThat(config.audit().namespaceSelector().matchExpressions()).extracting(r -> r.key())
        .containsExactly("kubernetes.io/metadata.name", "imagegate.dev/ignore", "imagegate.dev/mode");
  }

  @Test
  void auditSkipsWhatTheWebhookIsNeverCalledForAndJudgesTheRest() throws Exception {
    try (MockCluster cluster = MockCluster.withoutPolicyReports();
        ImageResolver resolver = RegistryTesting.resolver(config.registries()).cache(config.cache()).build()) {
      KubernetesClient client = cluster.client();
      // Namespaces as the apiserver keeps them: each with its name as the label kubernetes.io/metadata.name.
      namespace(cluster, "kube-system", Map.of());
      namespace(cluster, HelmChart.NAMESPACE, Map.of());
      namespace(cluster, "monitoring", Map.of());
      namespace(cluster, "legacy", Map.of("imagegate.dev/ignore", "true"));
      namespace(cluster, "sandbox", Map.of("imagegate.dev/mode", "OFF"));
      namespace(cluster, "apps", Map.of("imagegate.dev/ignore", "false"));
      namespace(cluster, "shop", Map.of());
      for (String ns : List.of("kube-system", HelmChart.NAMESPACE, "monitoring", "legacy", "sandbox", "apps", "shop")) {
        rootPod(client, ns, "web", Map.of());
      }
      rootPod(client, "apps", "trusted", Map.of("imagegate.dev/skip", "yes"));
      rootDeployment(client, "shop", "api", Map.of());
      rootDeployment(client, "shop", "batch", Map.of("imagegate.dev/skip", "true"));

      NamespaceModes modes = new NamespaceModes(true, () -> client);
      modes.start();
      PolicyEngine engine = new PolicyEngine(config, List.of(new RunAsNonRootRule(config), new RequireHealthcheckRule(config),
          new DisallowLatestTagRule(config), new NoSecretsInEnvRule(config)), resolver::resolve);
      try (Auditor auditor = new Auditor(client, engine, modes::modeOf, modes::ready, config.audit(), HelmChart.NAMESPACE,
          "one", new SimpleMeterRegistry())) {
        auditor.start(); // the only replica: it takes the lease and audits
        AuditReport report = auditor.runNow();

        assertThat(report.namespaces().keySet()).as("kube-system, the release namespace, webhook.excludeNamespaces, "
            + "the ignore label and mode off are never sent to the webhook").containsExactly("apps", "shop");
        assertThat(ids(report, "apps")).as("the object selector's label").containsExactly("Pod/web");
        assertThat(ids(report, "shop")).containsExactly("Deployment/api", "Pod/web");
        assertThat(report.namespaces().values()).allSatisfy(ns -> assertThat(ns.wouldDeny())
            .as("nginx as it comes runs as root: judged, and denied under enforce").isEqualTo(ns.workloads().size()));
        assertThat(report.notes()).isEmpty();
      } finally {
        modes.close();
      }
    }
  }

  private static List<String> ids(AuditReport report, String namespace) {
    return report.namespaces().get(namespace).workloads().stream().map(w -> w.workload().id()).sorted().toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object kubernetesObject) throws Exception {
    return YAML.readValue(JSON.asJson(kubernetesObject), Map.class);
  }

  private static void namespace(MockCluster cluster, String name, Map<String, String> labels) {
    Map<String, String> all = new HashMap<>(labels);
    all.put("kubernetes.io/metadata.name", name);
    cluster.namespace(name, all);
  }

  private static void rootPod(KubernetesClient client, String namespace, String name, Map<String, String> labels) {
    client.pods().inNamespace(namespace).resource(new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
        .withNewSpec().addNewContainer().withName("web").withImage("nginx:1.27").endContainer().endSpec()
        .withNewStatus().withPhase("Running").endStatus().build()).create();
  }

  private static void rootDeployment(KubernetesClient client, String namespace, String name, Map<String, String> labels) {
    client.apps().deployments().inNamespace(namespace).resource(new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("nginx:1.27").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
  }
}
