package dev.imagegate.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.imagegate.chart.HelmChart.Rendered;
import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.policy.Modes;
import dev.imagegate.config.Mode;
import dev.imagegate.config.OnError;
import dev.imagegate.rules.DisallowLatestTagRule;
import dev.imagegate.rules.NoSecretsInEnvRule;
import dev.imagegate.rules.RequireHealthcheckRule;
import dev.imagegate.rules.RunAsNonRootRule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code helm template -f values-all-options.yaml}: every option of the chart turned on. */
class ChartAllOptionsTest {
  static final Path ALL_OPTIONS = Path.of("src", "test", "resources", "chart", "values-all-options.yaml");
  private static final String NAME = "gatekeeper-of-images";
  private static Rendered chart;

  @BeforeAll
  static void render() {
    chart = HelmChart.renderWithValuesFile(ALL_OPTIONS, Map.of());
  }

  @Test
  void rendersEveryOptionalObject() {
    assertThat(chart.kinds()).containsExactlyInAnyOrder(
        "NetworkPolicy", "PodDisruptionBudget", "ServiceAccount", "ConfigMap", "ClusterRole", "ClusterRoleBinding",
        "Role", "RoleBinding", "Service", "Deployment", "Certificate", "ServiceMonitor", "ValidatingWebhookConfiguration",
        "ConfigMap", "CustomResourceDefinition", "CustomResourceDefinition");
    for (var object : chart.objects()) {
      if (!(object instanceof CustomResourceDefinition)) { // a CRD's name is its API's: plural.group
        String expectedName = object instanceof ServiceAccount ? "imagegate-sa" : NAME;
        assertThat(object.getMetadata().getName()).as(object.getKind()).startsWith(expectedName);
      }
      assertThat(object.getMetadata().getLabels()).as(object.getKind()).containsEntry("example.com/team", "platform");
    }
  }

  @Test
  void configurationFileCarriesEveryConfigValue() throws Exception {
    String yaml = chart.all(ConfigMap.class).stream().filter(m -> m.getMetadata().getName().equals(NAME)).findFirst()
        .orElseThrow().getData().get("config.yaml");
    @SuppressWarnings("unchecked")
    Map<String, Object> file = new ObjectMapper(new YAMLFactory()).readValue(yaml, Map.class);
    assertThat(file).containsOnlyKeys("mode", "rules", "exemptions", "registries", "cache", "namespaceModes", "events", "audit", "limits");
    assertThat(yaml).doesNotContain("dockerConfigSecret");

    // Feature keys, as written (the loader's own tests cover their meaning).
    assertThat(file.get("namespaceModes")).isEqualTo(Map.of("enabled", true));
    assertThat(file.get("events")).isEqualTo(Map.of("enabled", true, "interval", "5m"));
    @SuppressWarnings("unchecked")
    Map<String, Object> audit = (Map<String, Object>) file.get("audit");
    assertThat(audit).containsEntry("enabled", true).containsEntry("interval", "30m").containsEntry("concurrency", 3)
        .containsEntry("leaseName", "gatekeeper-audit")
        .as("the webhook's selectors, which the chart writes for the audit").containsKeys("namespaceSelector", "objectSelector")
        .containsEntry("reportFormat", "both")
        .hasSize(7);
    assertThat(file.get("limits")).isEqualTo(Map.of("maxImagesPerRequest", 50));
    @SuppressWarnings("unchecked")
    Map<String, Object> registries = (Map<String, Object>) file.get("registries");
    assertThat(registries).containsEntry("usePullSecrets", true)
        .containsEntry("caBundles", Map.of("registry.internal:5000", "/etc/imagegate/registry-ca/ca.crt"))
        .containsEntry("maxConcurrentFetchesPerRegistry", 4)
        .containsEntry("maxRetries", 1);
    @SuppressWarnings("unchecked")
    Map<String, Object> cache = (Map<String, Object>) file.get("cache");
    assertThat(cache).containsEntry("errorTtl", "2s");
    assertThat(cache).containsEntry("staleIfError", "12h");

    // imagegate's own loader and rules accept every key and value the chart writes.
    ImagegateConfig config = ConfigLoader.parse(yaml);
    assertThat(config.mode()).isEqualTo(Mode.WARN);
    assertThat(new Modes(config).rule("run-as-non-root", null)).isEqualTo(Mode.ENFORCE);
    assertThat(new Modes(config).rule("require-healthcheck", null)).isEqualTo(Mode.AUDIT);
    assertThat(new Modes(config).rule("no-secrets-in-env", null)).isEqualTo(Mode.OFF);
    assertThat(config.rule("run-as-non-root").exemptions().namespaces()).containsExactly("legacy");
    assertThat(config.exemptions().namespaces()).containsExactly("sandbox");
    assertThat(config.limits().maxImagesPerRequest()).isEqualTo(50);
    assertThat(config.exemptions().images()).containsExactly("ghcr.io/imagegate/*");
    assertThat(config.registries().mirrors()).containsEntry("docker.io", "https://mirror.internal:5000");
    assertThat(config.registries().insecure()).containsExactly("registry.lab:5000");
    assertThat(config.registries().platforms()).containsExactly("linux/amd64");
    assertThat(config.registries().onError()).isEqualTo(OnError.ALLOW);
    assertThat(config.registries().timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.registries().dockerConfig()).isEqualTo("/etc/imagegate/docker/config.json");
    assertThat(config.cache().maxImages()).isEqualTo(500);
    assertThat(config.cache().maxTags()).as("extraConfig wins").isEqualTo(700);
    assertThat(config.cache().tagTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.cache().prewarm()).isFalse();
    assertThat(config.cache().prewarmBudget()).isEqualTo(Duration.ofSeconds(45));
    // The rules read their options at start: these must not throw.
    new RunAsNonRootRule(config);
    new RequireHealthcheckRule(config);
    new DisallowLatestTagRule(config);
    new NoSecretsInEnvRule(config);
  }

  @Test
  void webhookConfigurationTakesEveryWebhookValue() {
    ValidatingWebhookConfiguration configuration = chart.one(ValidatingWebhookConfiguration.class);
    assertThat(configuration.getMetadata().getAnnotations())
        .containsEntry("example.com/owner", "platform")
        .containsEntry("cert-manager.io/inject-ca-from", "imagegate/" + NAME + "-tls");
    ValidatingWebhook webhook = configuration.getWebhooks().get(0);
    assertThat(webhook.getFailurePolicy()).isEqualTo("Ignore");
    assertThat(webhook.getTimeoutSeconds()).isEqualTo(5);
    assertThat(webhook.getSideEffects()).isEqualTo("None");
    assertThat(webhook.getMatchPolicy()).isEqualTo("Equivalent");
    assertThat(webhook.getClientConfig().getService().getPort()).isEqualTo(8443);
    assertThat(webhook.getClientConfig().getService().getName()).isEqualTo(NAME);
    assertThat(webhook.getClientConfig().getCaBundle()).isNull();

    var selector = webhook.getNamespaceSelector();
    assertThat(selector.getMatchLabels()).containsExactly(Map.entry("imagegate.dev/judged", "yes"));
    assertThat(selector.getMatchExpressions()).hasSize(4);
    assertThat(selector.getMatchExpressions().get(0).getValues())
        .as("kube-system and the release namespace first, the user's after, each once")
        .containsExactly("kube-system", "imagegate", "monitoring");
    assertThat(selector.getMatchExpressions().get(1).getKey()).isEqualTo("imagegate.dev/ignore");
    assertThat(selector.getMatchExpressions().get(2).getKey()).isEqualTo("imagegate.dev/mode");
    assertThat(selector.getMatchExpressions().get(3).getKey()).isEqualTo("team");
    assertThat(webhook.getObjectSelector().getMatchExpressions()).singleElement()
        .satisfies(e -> assertThat(e.getKey()).isEqualTo("imagegate.dev/skip"));
    assertThat(webhook.getMatchConditions()).singleElement().satisfies(c -> {
      assertThat(c.getName()).isEqualTo("not-node-users");
      assertThat(c.getExpression()).isEqualTo("!request.userInfo.username.startsWith('system:node:')");
    });
  }

  @Test
  void deploymentTakesEveryPodValue() {
    Deployment deployment = chart.one(Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(5);
    assertThat(deployment.getSpec().getRevisionHistoryLimit()).isEqualTo(2);
    var template = deployment.getSpec().getTemplate();
    assertThat(template.getMetadata().getLabels()).containsEntry("example.com/tier", "control-plane");
    assertThat(template.getMetadata().getAnnotations()).containsEntry("example.com/scrape", "false")
        .containsKeys("checksum/config", "checksum/restart-only-config");
    PodSpec pod = template.getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("imagegate-sa");
    assertThat(pod.getImagePullSecrets()).extracting(s -> s.getName()).containsExactly("internal-registry");
    assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(45L);
    assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(pod.getTolerations()).singleElement().satisfies(t -> assertThat(t.getKey()).isEqualTo("node-role.kubernetes.io/control-plane"));
    assertThat(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
        .singleElement().satisfies(t -> assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
    assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()).isEmpty();
    assertThat(pod.getTopologySpreadConstraints()).extracting(c -> c.getTopologyKey() + "/" + c.getMaxSkew() + "/" + c.getWhenUnsatisfiable())
        .containsExactly("kubernetes.io/hostname/2/DoNotSchedule", "topology.kubernetes.io/zone/2/DoNotSchedule",
            "example.com/rack/1/ScheduleAnyway");

    Container container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(
        "registry.internal/imagegate:0.1.1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assertThat(container.getImagePullPolicy()).isEqualTo("Always");
    assertThat(container.getResources().getLimits().get("memory").toString()).isEqualTo("1Gi");
    assertThat(container.getResources().getRequests().get("cpu").toString()).isEqualTo("200m");
    assertThat(ChartDefaultsTest.env(container)).containsEntry("QUARKUS_LOG_LEVEL", "DEBUG")
        .containsEntry("JAVA_TOOL_OPTIONS", "-XX:+UseZGC").containsKey("IMAGEGATE_CONFIG");

    assertThat(container.getVolumeMounts()).extracting(m -> m.getName() + ":" + m.getMountPath())
        .contains("docker-config:/etc/imagegate/docker", "registry-ca:/etc/imagegate/registry-ca", "tls:/etc/imagegate/tls");
    var docker = pod.getVolumes().stream().filter(v -> v.getName().equals("docker-config")).findFirst().orElseThrow();
    assertThat(docker.getSecret().getSecretName()).isEqualTo("registry-credentials");
    assertThat(docker.getSecret().getItems()).singleElement().satisfies(item -> {
      assertThat(item.getKey()).isEqualTo(".dockerconfigjson");
      assertThat(item.getPath()).isEqualTo("config.json");
    });
    assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("registry-ca")).singleElement()
        .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo("registry-ca"));
    assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("tmp")).singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir().getSizeLimit().toString()).isEqualTo("128Mi"));
    assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("tls")).singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo(NAME + "-tls"));
    assertThat(chart.all(Secret.class)).isEmpty();
  }

  @Test
  void serviceAccountServiceAndPdbTakeTheirValues() {
    ServiceAccount account = chart.one(ServiceAccount.class);
    assertThat(account.getMetadata().getName()).isEqualTo("imagegate-sa");
    assertThat(account.getMetadata().getAnnotations()).containsEntry("example.com/role", "imagegate");
    Service service = chart.one(Service.class);
    assertThat(service.getMetadata().getAnnotations()).containsEntry("example.com/internal", "true");
    assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(8443);
    PodDisruptionBudget pdb = chart.one(PodDisruptionBudget.class);
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
  }

  @Test
  void serviceMonitorScrapesTheManagementPort() {
    GenericKubernetesResource monitor = (GenericKubernetesResource) chart.ofKind("ServiceMonitor").get(0);
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
    assertThat(spec.get("endpoints")).isEqualTo(List.of(Map.of(
        "port", "http-mgmt", "path", "/q/metrics", "scheme", "http", "interval", "15s", "scrapeTimeout", "5s")));
    assertThat(spec.get("selector")).isEqualTo(Map.of("matchLabels",
        Map.of("app.kubernetes.io/name", "imagegate", "app.kubernetes.io/instance", "imagegate")));
    assertThat(chart.one(Service.class).getSpec().getPorts()).anySatisfy(p -> assertThat(p.getName()).isEqualTo("http-mgmt"));
  }

  @Test
  void networkPolicyLetsTheApiserverInAndRegistriesDnsAndTheApiOut() {
    NetworkPolicy policy = chart.one(NetworkPolicy.class);
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(chart.one(Deployment.class).getSpec().getSelector().getMatchLabels());
    var ingress = policy.getSpec().getIngress();
    assertThat(ingress).hasSize(2);
    assertThat(ingress.get(0).getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8443));
    assertThat(ingress.get(0).getFrom()).singleElement().satisfies(f -> assertThat(f.getIpBlock().getCidr()).isEqualTo("10.0.0.0/8"));
    assertThat(ingress.get(1).getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(9000));
    assertThat(ingress.get(1).getFrom()).singleElement().satisfies(f -> assertThat(f.getNamespaceSelector()).isNotNull());

    List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
    assertThat(egress).extracting(r -> r.getPorts().stream().map(p -> p.getPort().getIntVal() + "/" + p.getProtocol()).toList())
        .containsExactly(List.of("53/UDP", "53/TCP"), List.of("443/TCP"), List.of("6443/TCP"), List.of("8200/TCP"));
    assertThat(egress.get(1).getTo()).singleElement().satisfies(t -> assertThat(t.getIpBlock().getCidr()).isEqualTo("0.0.0.0/0"));
  }

  @Test
  void withDefaultPeersTheWebhookIsReachableFromAnywhere() {
    NetworkPolicy policy = HelmChart.render(Map.of("networkPolicy.enabled", true)).one(NetworkPolicy.class);
    assertThat(policy.getSpec().getIngress()).allSatisfy(rule -> assertThat(rule.getFrom()).isEmpty());
    assertThat(policy.getSpec().getEgress().get(1).getPorts()).extracting(p -> p.getPort().getIntVal())
        .containsExactly(443, 80, 5000);
    assertThat(policy.getSpec().getEgress().get(1).getTo()).isEmpty();
  }
}
