package dev.imagegate.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.chart.HelmChart.Rendered;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Least privilege: the (Cluster)Roles grant exactly what the enabled features need, each
 * permission written as {@code group/resource:verb} ("" is the core group).
 */
class ChartRbacTest {
  private static final Set<String> NAMESPACES = Set.of("/namespaces:list", "/namespaces:watch");
  private static final Set<String> EVENTS = Set.of("events.k8s.io/events:create");
  private static final Set<String> PULL_SECRETS = Set.of(
      "/secrets:list", "/secrets:watch",
      "/serviceaccounts:list", "/serviceaccounts:watch");
  private static final Set<String> AUDIT = union(
      verbs("", List.of("namespaces", "pods", "replicationcontrollers"), "list", "watch"),
      verbs("apps", List.of("deployments", "statefulsets", "daemonsets", "replicasets"), "list", "watch"),
      verbs("batch", List.of("jobs", "cronjobs"), "list", "watch"),
      verbs("wgpolicyk8s.io", List.of("policyreports"), "create", "update", "delete", "get", "list"));
  private static final Set<String> PREWARM = Set.of("/pods:list");
  private static final Set<String> LEASES = Set.of(
      "coordination.k8s.io/leases:create",
      "coordination.k8s.io/leases[imagegate-audit]:get",
      "coordination.k8s.io/leases[imagegate-audit]:update");

  static Stream<Arguments> features() {
    return Stream.of(
        Arguments.of("every feature off", sets(false, false, false, false, false), Set.of(), Set.of()),
        Arguments.of("defaults: namespace modes, events and cache pre-warming", sets(true, true, false, false, true),
            union(NAMESPACES, EVENTS, PREWARM), Set.of()),
        Arguments.of("namespace modes only", sets(true, false, false, false, false), NAMESPACES, Set.of()),
        Arguments.of("events only", sets(false, true, false, false, false), EVENTS, Set.of()),
        Arguments.of("pull secrets only", sets(false, false, true, false, false), PULL_SECRETS, Set.of()),
        Arguments.of("audit only", sets(false, false, false, true, false), AUDIT, LEASES),
        Arguments.of("cache pre-warming only", sets(false, false, false, false, true), PREWARM, Set.of()),
        Arguments.of("everything", sets(true, true, true, true, true), union(NAMESPACES, EVENTS, PULL_SECRETS, AUDIT, PREWARM), LEASES));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("features")
  void grantsExactlyWhatTheEnabledFeaturesNeed(String name, Map<String, Object> sets, Set<String> cluster, Set<String> namespaced) {
    Rendered chart = HelmChart.render(sets);

    assertThat(permissions(chart.all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream()).toList()))
        .isEqualTo(new TreeSet<>(cluster));
    assertThat(permissions(chart.all(Role.class).stream().flatMap(r -> r.getRules().stream()).toList()))
        .isEqualTo(new TreeSet<>(namespaced));

    assertThat(chart.all(ClusterRole.class)).hasSize(cluster.isEmpty() ? 0 : 1);
    assertThat(chart.all(ClusterRoleBinding.class)).hasSize(cluster.isEmpty() ? 0 : 1);
    assertThat(chart.all(Role.class)).hasSize(namespaced.isEmpty() ? 0 : 1);
    assertThat(chart.all(RoleBinding.class)).hasSize(namespaced.isEmpty() ? 0 : 1);
    for (Role role : chart.all(Role.class)) {
      assertThat(role.getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
    }
    chart.all(ClusterRoleBinding.class).forEach(binding -> {
      assertThat(binding.getRoleRef().getName()).isEqualTo(chart.one(ClusterRole.class).getMetadata().getName());
      assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
        assertThat(s.getKind()).isEqualTo("ServiceAccount");
        assertThat(s.getName()).isEqualTo("imagegate");
        assertThat(s.getNamespace()).isEqualTo(HelmChart.NAMESPACE);
      });
    });
    chart.all(RoleBinding.class).forEach(binding ->
        assertThat(binding.getRoleRef().getName()).isEqualTo(chart.one(Role.class).getMetadata().getName()));

    boolean usesApi = !cluster.isEmpty() || !namespaced.isEmpty();
    assertThat(chart.one(Deployment.class).getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
        .as("an API token is mounted only when a feature uses the API").isEqualTo(usesApi);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("features")
  void networkPolicyOpensTheApiOnlyWhenAFeatureUsesIt(String name, Map<String, Object> sets, Set<String> cluster, Set<String> namespaced) {
    Map<String, Object> withPolicy = new LinkedHashMap<>(sets);
    withPolicy.put("networkPolicy.enabled", true);
    NetworkPolicy policy = HelmChart.render(withPolicy).one(NetworkPolicy.class);
    boolean apiEgress = policy.getSpec().getEgress().stream()
        .anyMatch(rule -> rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == 6443));
    assertThat(apiEgress).isEqualTo(!cluster.isEmpty() || !namespaced.isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("features")
  void rbacCreateFalseCreatesNoRole(String name, Map<String, Object> sets, Set<String> cluster, Set<String> namespaced) {
    Map<String, Object> noRbac = new LinkedHashMap<>(sets);
    noRbac.put("rbac.create", false);
    Rendered chart = HelmChart.render(noRbac);
    assertThat(chart.all(ClusterRole.class)).isEmpty();
    assertThat(chart.all(Role.class)).isEmpty();
    assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();
    assertThat(chart.all(RoleBinding.class)).isEmpty();
    assertThat(chart.one(Deployment.class).getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
        .as("RBAC managed elsewhere: the features still need the token").isEqualTo(!cluster.isEmpty() || !namespaced.isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("features")
  void sideEffectsAreNoneOnDryRunOnlyWhileEventsAreWritten(String name, Map<String, Object> sets, Set<String> cluster, Set<String> namespaced) {
    var webhook = HelmChart.render(sets).one(ValidatingWebhookConfiguration.class).getWebhooks().get(0);
    assertThat(webhook.getSideEffects()).isEqualTo(Boolean.TRUE.equals(sets.get("events.enabled")) ? "NoneOnDryRun" : "None");
  }

  @ParameterizedTest(name = "audit.reportFormat {0}")
  @org.junit.jupiter.params.provider.CsvSource({"policyreport, true, false", "openreports, false, true", "both, true, true"})
  void theAuditMayWriteExactlyTheReportsOfItsFormat(String format, boolean policyReports, boolean openReports) {
    Map<String, Object> sets = sets(false, false, false, true, false);
    sets.put("audit.reportFormat", format);
    Set<String> granted = permissions(HelmChart.render(sets).one(ClusterRole.class).getRules());
    Set<String> writePolicyReports = verbs("wgpolicyk8s.io", List.of("policyreports"), "create", "update", "delete", "get", "list");
    Set<String> writeOpenReports = verbs("openreports.io", List.of("reports"), "create", "update", "delete", "get", "list");
    assertThat(granted.containsAll(writePolicyReports)).as("PolicyReports").isEqualTo(policyReports);
    assertThat(granted.containsAll(writeOpenReports)).as("OpenReports Reports").isEqualTo(openReports);
    assertThat(granted).filteredOn(p -> p.startsWith("wgpolicyk8s.io/") || p.startsWith("openreports.io/"))
        .hasSize((policyReports ? 5 : 0) + (openReports ? 5 : 0));
  }

  // ---- helpers

  static Map<String, Object> sets(boolean namespaces, boolean events, boolean pullSecrets, boolean audit, boolean prewarm) {
    Map<String, Object> sets = new LinkedHashMap<>();
    sets.put("cache.prewarm", prewarm);
    sets.put("namespaceModes.enabled", namespaces);
    sets.put("events.enabled", events);
    sets.put("registries.usePullSecrets", pullSecrets);
    sets.put("audit.enabled", audit);
    return sets;
  }

  static TreeSet<String> permissions(List<PolicyRule> rules) {
    TreeSet<String> out = new TreeSet<>();
    for (PolicyRule rule : rules) {
      assertThat(rule.getNonResourceURLs()).isEmpty();
      String names = rule.getResourceNames().isEmpty() ? "" : rule.getResourceNames().toString();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            assertThat(List.of(group, resource, verb)).as("no wildcard").doesNotContain("*");
            out.add(group + "/" + resource + names + ":" + verb);
          }
        }
      }
    }
    return out;
  }

  static Set<String> verbs(String group, List<String> resources, String... verbs) {
    Set<String> out = new TreeSet<>();
    for (String resource : resources) {
      for (String verb : verbs) {
        out.add(group + "/" + resource + ":" + verb);
      }
    }
    return out;
  }

  @SafeVarargs
  static Set<String> union(Set<String>... sets) {
    Set<String> out = new TreeSet<>();
    for (Set<String> set : sets) {
      out.addAll(set);
    }
    return out;
  }
}
