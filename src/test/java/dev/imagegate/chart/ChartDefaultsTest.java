package dev.imagegate.chart;

import static dev.imagegate.chart.HelmChart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.chart.HelmChart.Rendered;
import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.Mode;
import dev.imagegate.config.OnError;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.rules.DisallowLatestTagRule;
import dev.imagegate.rules.NoSecretsInEnvRule;
import dev.imagegate.rules.RequireHealthcheckRule;
import dev.imagegate.rules.RunAsNonRootRule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code helm template} with the default values: what {@code helm install imagegate charts/imagegate} creates. */
class ChartDefaultsTest {
  private static Rendered chart;

  @BeforeAll
  static void render() {
    chart = HelmChart.render(Map.of());
  }

  @Test
  void createsExactlyTheObjectsOfAWorkingHighlyAvailableWebhook() {
    assertThat(chart.kinds())
        .containsExactlyInAnyOrder(
            "PodDisruptionBudget", "ServiceAccount", "Secret", "ConfigMap", "ClusterRole", "ClusterRoleBinding",
            "Service", "Deployment", "ValidatingWebhookConfiguration");
    assertThat(chart.all(Role.class)).as("a Lease role only with the audit").isEmpty();
  }

  @Test
  void everyObjectCarriesTheStandardLabels() {
    for (HasMetadata object : chart.objects()) {
      assertThat(object.getMetadata().getLabels())
          .as(object.getKind())
          .containsEntry("app.kubernetes.io/name", "imagegate")
          .containsEntry("app.kubernetes.io/instance", "imagegate")
          .containsEntry("app.kubernetes.io/version", "0.1.0")
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsEntry("app.kubernetes.io/part-of", "imagegate")
          .containsEntry("app.kubernetes.io/component", "admission-webhook")
          .containsEntry("helm.sh/chart", "imagegate-0.1.0");
      boolean clusterScoped = object instanceof ClusterRole || object instanceof ClusterRoleBinding
          || object instanceof ValidatingWebhookConfiguration;
      assertThat(object.getMetadata().getNamespace()).as(object.getKind()).isEqualTo(clusterScoped ? null : NAMESPACE);
    }
  }

  @Test
  void webhookConfigurationFollowsTheAdmissionWebhookGoodPractices() {
    ValidatingWebhookConfiguration configuration = chart.one(ValidatingWebhookConfiguration.class);
    assertThat(configuration.getWebhooks()).hasSize(1);
    ValidatingWebhook webhook = configuration.getWebhooks().get(0);
    assertThat(webhook.getName()).isEqualTo("validate.imagegate.dev");
    assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
    assertThat(webhook.getSideEffects()).isEqualTo("NoneOnDryRun");
    assertThat(webhook.getFailurePolicy()).isEqualTo("Fail");
    assertThat(webhook.getTimeoutSeconds()).isEqualTo(10);
    assertThat(webhook.getMatchPolicy()).isEqualTo("Equivalent");
    assertThat(webhook.getMatchConditions()).isEmpty();
    assertThat(webhook.getObjectSelector()).isNull();

    var service = webhook.getClientConfig().getService();
    assertThat(service.getName()).isEqualTo("imagegate");
    assertThat(service.getNamespace()).isEqualTo(NAMESPACE);
    assertThat(service.getPath()).isEqualTo("/validate");
    assertThat(service.getPort()).isEqualTo(443);
    assertThat(webhook.getClientConfig().getUrl()).isNull();
    assertThat(webhook.getClientConfig().getCaBundle()).isNotBlank();
  }

  /**
   * The apiserver keys each audit annotation of a response as {@code <webhook name>/<key>} and
   * drops any that is not a qualified name (k8s.io/apiserver admission/attributes.go,
   * checkKeyFormat): imagegate's keys are its rule ids.
   */
  @Test
  void webhookNameMakesEveryAuditAnnotationKeyAQualifiedName() {
    String webhook = chart.one(ValidatingWebhookConfiguration.class).getWebhooks().get(0).getName();
    assertThat(webhook).as("a DNS-1123 subdomain prefix").hasSizeLessThanOrEqualTo(253)
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    for (String rule : List.of(RunAsNonRootRule.ID, RequireHealthcheckRule.ID, DisallowLatestTagRule.ID, NoSecretsInEnvRule.ID,
        PolicyEngine.IMAGE_REFERENCE, PolicyEngine.IMAGE_UNAVAILABLE)) {
      assertThat(rule).as(webhook + "/" + rule).hasSizeLessThanOrEqualTo(63).matches("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    }
  }

  @Test
  void webhookSeesPodsEphemeralContainersAndEveryPodControllerOnCreateAndUpdate() {
    List<RuleWithOperations> rules = chart.one(ValidatingWebhookConfiguration.class).getWebhooks().get(0).getRules();
    assertThat(rules).allSatisfy(rule -> {
      assertThat(rule.getOperations()).containsExactly("CREATE", "UPDATE");
      assertThat(rule.getApiVersions()).containsExactly("v1");
      assertThat(rule.getScope()).isEqualTo("Namespaced");
    });
    assertThat(resources(rules, "")).containsExactlyInAnyOrder(
        "pods", "pods/ephemeralcontainers", "podtemplates", "replicationcontrollers");
    assertThat(resources(rules, "apps")).containsExactlyInAnyOrder("deployments", "statefulsets", "daemonsets", "replicasets");
    assertThat(resources(rules, "batch")).containsExactlyInAnyOrder("jobs", "cronjobs");
    assertThat(rules).flatMap(RuleWithOperations::getResources)
        .as("no status or scale subresource, no wildcard").noneMatch(r -> r.contains("*") || r.endsWith("/status"));
  }

  static List<String> resources(List<RuleWithOperations> rules, String group) {
    return rules.stream().filter(r -> r.getApiGroups().equals(List.of(group)))
        .flatMap(r -> r.getResources().stream()).toList();
  }

  @Test
  void namespaceSelectorExcludesKubeSystemItsOwnNamespaceAndOptedOutNamespaces() {
    List<LabelSelectorRequirement> expressions =
        chart.one(ValidatingWebhookConfiguration.class).getWebhooks().get(0).getNamespaceSelector().getMatchExpressions();
    assertThat(expressions).hasSize(3);
    assertThat(expressions.get(0).getKey()).isEqualTo("kubernetes.io/metadata.name");
    assertThat(expressions.get(0).getOperator()).isEqualTo("NotIn");
    assertThat(expressions.get(0).getValues()).containsExactly("kube-system", NAMESPACE);
    assertThat(expressions.get(1).getKey()).isEqualTo("imagegate.dev/ignore");
    assertThat(expressions.get(1).getOperator()).isEqualTo("NotIn");
    assertThat(expressions.get(1).getValues()).containsExactly("true");
    assertThat(expressions.get(2).getKey()).as("namespace mode off: the apiserver need not call imagegate").isEqualTo("imagegate.dev/mode");
    assertThat(expressions.get(2).getOperator()).isEqualTo("NotIn");
    assertThat(expressions.get(2).getValues()).containsExactly("off", "Off", "OFF");
  }

  @Test
  void namespaceModeOffIsNotSkippedWhenNamespaceModesAreOff() {
    List<LabelSelectorRequirement> expressions = HelmChart.render(Map.of("namespaceModes.enabled", false))
        .one(ValidatingWebhookConfiguration.class).getWebhooks().get(0).getNamespaceSelector().getMatchExpressions();
    assertThat(expressions).extracting(LabelSelectorRequirement::getKey)
        .as("without namespace modes imagegate ignores the label, so must the selector")
        .containsExactly("kubernetes.io/metadata.name", "imagegate.dev/ignore");
  }

  @Test
  void deploymentRunsThreeSpreadReplicasThatNeverAllGoDownTogether() {
    Deployment deployment = chart.one(Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getTopologySpreadConstraints())
        .extracting(c -> c.getTopologyKey())
        .containsExactly("kubernetes.io/hostname", "topology.kubernetes.io/zone");
    assertThat(pod.getTopologySpreadConstraints()).allSatisfy(c -> {
      assertThat(c.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
      assertThat(c.getLabelSelector().getMatchLabels())
          .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    });
    var antiAffinity = pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    assertThat(antiAffinity).singleElement()
        .satisfies(term -> assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname"));

    PodDisruptionBudget pdb = chart.one(PodDisruptionBudget.class);
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(pdb.getSpec().getUnhealthyPodEvictionPolicy()).isEqualTo("AlwaysAllow");
  }

  @Test
  void podMeetsPodSecurityRestricted() {
    PodSpec pod = chart.one(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isNull();
    assertThat(pod.getHostPID()).isNull();
    assertThat(pod.getHostIPC()).isNull();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(185L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());

    assertThat(pod.getContainers()).singleElement().satisfies(container -> {
      var sc = container.getSecurityContext();
      assertThat(sc.getRunAsNonRoot()).isTrue();
      assertThat(sc.getRunAsUser()).isEqualTo(185L);
      assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
      assertThat(sc.getPrivileged()).isFalse();
      assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
      assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(sc.getCapabilities().getAdd()).isEmpty();
      assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(container.getPorts()).allSatisfy(p -> assertThat(p.getHostPort()).isNull());
    });
  }

  @Test
  void containerHasResourcesProbesOnTheManagementPortAndAWritableTmp() {
    PodSpec pod = chart.one(Deployment.class).getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("ghcr.io/imagegate/imagegate:0.1.0");
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");

    assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    for (var probe : List.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe())) {
      assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http-mgmt");
    }
    assertThat(container.getPorts()).extracting(p -> p.getName() + "=" + p.getContainerPort())
        .containsExactly("https=8443", "http-mgmt=9000");

    assertThat(container.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getMountPath()).isEqualTo("/tmp");
      assertThat(pod.getVolumes()).anySatisfy(v -> {
        assertThat(v.getName()).isEqualTo(m.getName());
        assertThat(v.getEmptyDir()).isNotNull();
      });
    });
  }

  @Test
  void containerReadsItsConfigAndCertificateFromMountedFiles() {
    PodSpec pod = chart.one(Deployment.class).getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    assertThat(env(container)).containsEntry("IMAGEGATE_CONFIG", "/etc/imagegate/config/config.yaml")
        .containsEntry("IMAGEGATE_TLS_CERT", "/etc/imagegate/tls/tls.crt")
        .containsEntry("IMAGEGATE_TLS_KEY", "/etc/imagegate/tls/tls.key");
    assertThat(container.getVolumeMounts()).filteredOn(m -> m.getMountPath().equals("/etc/imagegate/tls"))
        .singleElement()
        .satisfies(m -> {
          assertThat(m.getSubPath()).as("a subPath mount never sees a renewed certificate").isNull();
          assertThat(m.getReadOnly()).isTrue();
        });
    assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null).singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo(chart.one(Secret.class).getMetadata().getName()));
    assertThat(pod.getVolumes()).filteredOn(v -> v.getConfigMap() != null).singleElement()
        .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo(chart.one(ConfigMap.class).getMetadata().getName()));
    assertThat(container.getVolumeMounts()).filteredOn(m -> m.getMountPath().equals("/etc/imagegate/config"))
        .singleElement()
        .satisfies(m -> assertThat(m.getSubPath()).as("a subPath mount never sees a changed ConfigMap").isNull());
  }

  static Map<String, String> env(Container container) {
    return container.getEnv().stream().filter(e -> e.getValue() != null)
        .collect(java.util.stream.Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void configMapHoldsAConfigurationImagegateAccepts() {
    String yaml = chart.one(ConfigMap.class).getData().get("config.yaml");
    ImagegateConfig config = ConfigLoader.parse(yaml);
    assertThat(config.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(config.registries().onError()).isEqualTo(OnError.DENY);
    assertThat(config.registries().timeout()).isEqualTo(Duration.ofSeconds(8));
    assertThat(config.registries().platforms()).containsExactly("linux/amd64", "linux/arm64");
    assertThat(config.registries().dockerConfig()).isNull();
    assertThat(config.cache().tagTtl()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.cache().prewarm()).as("the chart says so: a cluster is at hand").isTrue();
    assertThat(config.cache().prewarmBudget()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.rules()).containsOnlyKeys("run-as-non-root", "require-healthcheck", "disallow-latest-tag", "no-secrets-in-env");
    assertThat(yaml).contains("namespaceModes:\n  enabled: true\n", "events:\n  enabled: true\n")
        .contains("audit:\n  concurrency: 2\n  enabled: false\n").contains("usePullSecrets: false\n");
  }

  @Test
  void serviceExposesTheWebhookAndTheManagementPort() {
    Service service = chart.one(Service.class);
    assertThat(service.getSpec().getSelector()).isEqualTo(chart.one(Deployment.class).getSpec().getSelector().getMatchLabels());
    assertThat(service.getSpec().getPorts()).extracting(p -> p.getPort() + "->" + p.getTargetPort().getStrVal())
        .containsExactly("443->https", "9000->http-mgmt");
  }

  @Test
  void serviceAccountTokenIsMountedOnlyBecauseEnabledFeaturesUseTheApi() {
    assertThat(chart.one(ServiceAccount.class).getAutomountServiceAccountToken()).isFalse();
    PodSpec pod = chart.one(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("imagegate");
    assertThat(pod.getAutomountServiceAccountToken()).as("namespaces and events are on by default").isTrue();
  }

  @Test
  void nothingOptionalIsRendered() {
    assertThat(chart.ofKind("ServiceMonitor")).isEmpty();
    assertThat(chart.ofKind("NetworkPolicy")).isEmpty();
    assertThat(chart.ofKind("Certificate")).isEmpty();
    assertThat(chart.ofKind("Issuer")).isEmpty();
    assertThat(chart.one(Deployment.class).getSpec().getTemplate().getSpec().getPriorityClassName()).isNull();
  }
}
