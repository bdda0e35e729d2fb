package dev.imagegate.audit;

import static dev.imagegate.audit.AuditFixtures.ghost;
import static dev.imagegate.audit.AuditFixtures.good;
import static dev.imagegate.audit.AuditFixtures.kong;
import static dev.imagegate.audit.AuditFixtures.latest;
import static dev.imagegate.audit.AuditFixtures.leaky;
import static dev.imagegate.audit.AuditFixtures.root;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.admission.NamespaceModes;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.testing.Await;
import dev.imagegate.testing.LogCapture;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The background audit against a mock API server and a real registry: a seeded cluster of 50 pods
 * and 10 Deployments in 3 namespaces gives the expected PolicyReports, which follow fixes and
 * deletions in place as the informers see them; only the lease holder watches, audits and writes,
 * and another replica takes over; one change is judged alone; an unchanged report is not written;
 * a missing CRD is survived.
 */
class ClusterAuditTest {
  /** require-healthcheck only warns, even under enforce; run-as-non-root exempts kong. */
  private static final String CONFIG = """
      rules:
        require-healthcheck:
          mode: warn
        run-as-non-root:
          exemptions:
            images: ["kong:*"]
      """;
  private static final AuditLeader.Timing FAST = new AuditLeader.Timing(Duration.ofSeconds(3), Duration.ofSeconds(2),
      Duration.ofMillis(200));

  private static AuditFixtures fixtures;

  @BeforeAll
  static void registry() {
    fixtures = AuditFixtures.start("audit", CONFIG);
  }

  @AfterAll
  static void stop() {
    if (fixtures != null) {
      fixtures.close();
    }
  }

  private static Auditor auditor(KubernetesClient client, NamespaceModes modes, String identity) {
    return auditor(client, modes, identity, new SimpleMeterRegistry());
  }

  private static Auditor auditor(KubernetesClient client, NamespaceModes modes, String identity, MeterRegistry meters) {
    return new Auditor(client, fixtures.engine, modes::modeOf, modes::ready, fixtures.config.audit(), "imagegate-system",
        identity, meters, FAST, Clock.systemUTC());
  }

  /** Workloads the auditor judged, by pass: full or changed. */
  private static double judged(MeterRegistry meters, String pass) {
    var counter = meters.find("imagegate.audit.judged").tag("pass", pass).counter();
    return counter == null ? 0 : counter.count();
  }

  /** Watch requests a client (by User-Agent) sent. */
  private static long watches(MockCluster cluster, String userAgent) throws InterruptedException {
    return cluster.requests().stream()
        .filter(r -> r.getPath().contains("watch=true") && userAgent.equals(r.getHeader("User-Agent"))).count();
  }

  /** 10 Deployments (each with a ReplicaSet and 2 pods: 20 pods) and 30 bare pods in alpha, beta and gamma. */
  private static void seed(MockCluster cluster) {
    cluster.namespace("alpha", Map.of());
    cluster.namespace("beta", Map.of("imagegate.dev/mode", "audit"));
    cluster.namespace("gamma", Map.of("imagegate.dev/mode", "warn"));
    Seed seed = new Seed(cluster.client());
    seed.deployment("alpha", "d1", good(), 2);
    seed.deployment("alpha", "d2", root(), 2);
    seed.deployment("alpha", "d3", latest(), 2);
    seed.deployment("alpha", "d4", leaky(), 2);
    seed.deployment("beta", "d5", good(), 2);
    seed.deployment("beta", "d6", good(), 2);
    seed.deployment("beta", "d7", root(), 2);
    seed.deployment("gamma", "d8", leaky(), 2);
    seed.deployment("gamma", "d9", latest(), 2);
    seed.deployment("gamma", "d10", ghost(), 2);
    for (int i = 0; i < 6; i++) {
      seed.pod("alpha", "good-" + i, good());
    }
    for (int i = 0; i < 4; i++) {
      seed.pod("alpha", "root-" + i, root());
    }
    for (int i = 0; i < 4; i++) {
      seed.pod("beta", "good-" + i, good());
    }
    seed.pod("beta", "gateway", kong());
    for (int i = 0; i < 3; i++) {
      seed.pod("beta", "latest-" + i, latest());
    }
    for (int i = 0; i < 2; i++) {
      seed.pod("beta", "leaky-" + i, leaky());
    }
    for (int i = 0; i < 7; i++) {
      seed.pod("gamma", "good-" + i, good());
    }
    for (int i = 0; i < 2; i++) {
      seed.pod("gamma", "root-" + i, root());
    }
    seed.pod("gamma", "migration", root(), "Succeeded"); // finished: runs nothing, not judged
  }

  /** policy → result → count, from a PolicyReport's results. */
  private static Map<String, Map<String, Integer>> counts(GenericKubernetesResource report) {
    Map<String, Map<String, Integer>> counts = new TreeMap<>();
    for (Map<String, Object> result : results(report)) {
      counts.computeIfAbsent((String) result.get("policy"), p -> new TreeMap<>()).merge((String) result.get("result"), 1, Integer::sum);
    }
    return counts;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> results(GenericKubernetesResource report) {
    return (List<Map<String, Object>>) report.getAdditionalProperties().get("results");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> summary(GenericKubernetesResource report) {
    return (Map<String, Object>) report.getAdditionalProperties().get("summary");
  }

  private static Map<String, Integer> of(Object... resultsAndCounts) {
    Map<String, Integer> map = new TreeMap<>();
    for (int i = 0; i < resultsAndCounts.length; i += 2) {
      map.put((String) resultsAndCounts[i], (Integer) resultsAndCounts[i + 1]);
    }
    return map;
  }

  private static GenericKubernetesResource report(KubernetesClient client, String namespace) {
    return client.genericKubernetesResources(PolicyReportWriter.POLICY_REPORTS).inNamespace(namespace).withName("imagegate").get();
  }

  private static List<String> resourceNames(GenericKubernetesResource report) {
    List<String> names = new ArrayList<>();
    for (Map<String, Object> result : results(report)) {
      @SuppressWarnings("unchecked")
      var resources = (List<Map<String, Object>>) result.get("resources");
      names.add(resources.get(0).get("kind") + "/" + resources.get(0).get("name"));
    }
    return names.stream().distinct().sorted().toList();
  }

  @Test
  void aNewConfigurationInForceIsJudgedAgainAtOnce() throws Exception {
    AuditFixtures warn = fixtures.with("rules:\n  run-as-non-root: {mode: warn}\n");
    try (MockCluster cluster = MockCluster.withPolicyReports()) {
      cluster.namespace("alpha", Map.of());
      new Seed(cluster.client()).pod("alpha", "web", root());
      AtomicReference<PolicyEngine> inForce = new AtomicReference<>(fixtures.engine);
      try (Auditor auditor = new Auditor(cluster.client("imagegate/one"), inForce::get, namespace -> null, () -> true,
          fixtures.config.audit(), "imagegate-system", "one", new SimpleMeterRegistry(), FAST, Clock.systemUTC(), (w, e) -> {})) {
        auditor.startElection();
        Await.until(auditor::leading, "the lease");
        auditor.runNow();
        KubernetesClient reader = cluster.client();
        assertThat(rootMode(report(reader, "alpha"))).isEqualTo("enforce");

        inForce.set(warn.engine);
        auditor.configurationChanged();

        Await.until(() -> "warn".equals(rootMode(report(reader, "alpha"))), "the report judged with the new configuration");
      }
    } finally {
      warn.closeResolver();
    }
  }

  /** The mode of the run-as-non-root result in a report. */
  private static Object rootMode(GenericKubernetesResource report) {
    return results(report).stream().filter(r -> "run-as-non-root".equals(r.get("policy")))
        .map(r -> ((Map<?, ?>) r.get("properties")).get("mode")).findFirst().orElse(null);
  }

  @Test
  void seededClusterGivesTheExpectedReportsWhichFollowFixesAndDeletions() throws Exception {
    try (MockCluster cluster = MockCluster.withPolicyReports()) {
      seed(cluster);
      KubernetesClient client = cluster.client("imagegate/one");
      NamespaceModes modes = new NamespaceModes(true, () -> client);
      modes.start();
      Await.until(modes::synced, "namespace labels");
      try (Auditor auditor = auditor(client, modes, "one")) {
        auditor.startElection();
        Await.until(auditor::leading, "the lease");
        AuditReport audit = auditor.runNow();

        // every Deployment once (not its ReplicaSet, not its pods), every running bare pod
        assertThat(audit.workloads()).isEqualTo(14 + 13 + 12);
        assertThat(audit.namespaces().keySet()).containsExactly("alpha", "beta", "gamma");
        KubernetesClient reader = cluster.client();
        GenericKubernetesResource alpha = report(reader, "alpha");
        GenericKubernetesResource beta = report(reader, "beta");
        GenericKubernetesResource gamma = report(reader, "gamma");
        assertThat(resourceNames(alpha)).hasSize(14).contains("Deployment/d1", "Pod/root-3").noneMatch(n -> n.startsWith("ReplicaSet/"))
            .doesNotContain("Pod/d1-5d4f8b-0");
        assertThat(resourceNames(gamma)).hasSize(12).doesNotContain("Pod/migration");

        assertThat(counts(alpha)).isEqualTo(Map.of(
            "run-as-non-root", of("fail", 5, "pass", 9),
            "require-healthcheck", of("warn", 5, "pass", 9),
            "disallow-latest-tag", of("fail", 1, "pass", 13),
            "no-secrets-in-env", of("fail", 1, "pass", 13)));
        assertThat(counts(beta)).isEqualTo(Map.of(
            "run-as-non-root", of("fail", 1, "skip", 1, "pass", 11),
            "require-healthcheck", of("warn", 1, "pass", 12),
            "disallow-latest-tag", of("fail", 3, "pass", 10),
            "no-secrets-in-env", of("fail", 2, "pass", 11)));
        assertThat(counts(gamma)).isEqualTo(Map.of(
            "run-as-non-root", of("fail", 2, "error", 1, "pass", 9),
            "require-healthcheck", of("warn", 2, "error", 1, "pass", 9),
            "disallow-latest-tag", of("fail", 1, "pass", 11),
            "no-secrets-in-env", of("fail", 1, "error", 1, "pass", 10)));
        assertThat(summary(alpha)).isEqualTo(Map.of("pass", 44, "fail", 7, "warn", 5, "error", 0, "skip", 0));
        assertThat(summary(beta)).isEqualTo(Map.of("pass", 44, "fail", 6, "warn", 1, "error", 0, "skip", 1));
        assertThat(summary(gamma)).isEqualTo(Map.of("pass", 39, "fail", 4, "warn", 2, "error", 3, "skip", 0));

        // the shape Policy Reporter and kubectl read
        assertThat(alpha.getApiVersion()).isEqualTo("wgpolicyk8s.io/v1alpha2");
        assertThat(alpha.getKind()).isEqualTo("PolicyReport");
        assertThat(alpha.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "imagegate");
        assertThat(alpha.getAdditionalProperties().get("scope")).isEqualTo(Map.of("apiVersion", "v1", "kind", "Namespace", "name", "alpha"));
        Map<String, Object> d2 = results(alpha).stream()
            .filter(r -> "run-as-non-root".equals(r.get("policy")) && r.get("resources").toString().contains("name=d2"))
            .findFirst().orElseThrow();
        assertThat(d2).containsEntry("source", "imagegate").containsEntry("result", "fail").containsEntry("severity", "high")
            .containsEntry("scored", true).containsKey("timestamp");
        assertThat((String) d2.get("message")).contains("container \"web\" (nginx:1.27)").contains("root");
        assertThat(d2.get("resources")).asList().singleElement().asString().contains("kind=Deployment").contains("apiVersion=apps/v1");
        assertThat(d2.get("properties")).isEqualTo(Map.of("mode", "enforce", "wouldDenyUnderEnforce", "true"));
        // beta is labelled audit: nothing is denied there now, the same is reported as what enforce would deny
        Map<String, Object> d7 = results(beta).stream()
            .filter(r -> "run-as-non-root".equals(r.get("policy")) && r.get("resources").toString().contains("name=d7"))
            .findFirst().orElseThrow();
        assertThat(d7).containsEntry("result", "fail");
        assertThat(d7.get("properties")).isEqualTo(Map.of("mode", "audit", "wouldDenyUnderEnforce", "true"));
        // the value of a secret never reaches a report
        assertThat(results(alpha).toString()).contains("AWS_SECRET_ACCESS_KEY").doesNotContain("wJalrXUtnFEMI")
            .doesNotContain("AKIAIOSFODNN7EXAMPLE");
        assertThat(audit.namespaces().get("beta").workloads().stream().filter(w -> w.deniedNow()).count()).isZero();
        assertThat(audit.namespaces().get("beta").wouldDeny()).isEqualTo(6);
        assertThat(audit.namespaces().get("alpha").wouldDeny()).isEqualTo(7);

        // fix d2, delete two root pods and the deployment whose image is missing
        String alphaUid = alpha.getMetadata().getUid();
        Seed seed = new Seed(cluster.client());
        seed.fixDeployment("alpha", "d2", good());
        seed.deletePod("alpha", "root-0");
        seed.deletePod("alpha", "root-1");
        seed.deleteDeployment("gamma", "d10");
        // seen by the informers and judged as they come, without a full audit
        Await.until(() -> resourceNames(report(reader, "alpha")).size() == 12
            && !resourceNames(report(reader, "gamma")).contains("Deployment/d10"), "the changes judged");
        alpha = report(reader, "alpha");
        gamma = report(reader, "gamma");
        assertThat(alpha.getMetadata().getUid()).as("updated in place, not re-created").isEqualTo(alphaUid);
        assertThat(resourceNames(alpha)).hasSize(12).doesNotContain("Pod/root-0", "Pod/root-1");
        assertThat(counts(alpha)).isEqualTo(Map.of(
            "run-as-non-root", of("fail", 2, "pass", 10),
            "require-healthcheck", of("warn", 2, "pass", 10),
            "disallow-latest-tag", of("fail", 1, "pass", 11),
            "no-secrets-in-env", of("fail", 1, "pass", 11)));
        assertThat(counts(gamma)).isEqualTo(Map.of(
            "run-as-non-root", of("fail", 2, "pass", 9),
            "require-healthcheck", of("warn", 2, "pass", 9),
            "disallow-latest-tag", of("fail", 1, "pass", 10),
            "no-secrets-in-env", of("fail", 1, "pass", 10)));

        // a namespace switched off loses its report; so does one whose workloads are all gone
        reader.namespaces().withName("gamma").edit(n -> {
          n.getMetadata().getLabels().put("imagegate.dev/mode", "off");
          return n;
        });
        Await.until(() -> modes.modeOf("gamma") == dev.imagegate.config.Mode.OFF, "gamma switched off");
        reader.pods().inNamespace("beta").delete();
        reader.apps().deployments().inNamespace("beta").delete();
        Await.until(() -> report(reader, "beta") == null, "beta's workloads gone");
        auditor.runNow(); // a namespace's mode is read at every full audit
        assertThat(report(reader, "gamma")).isNull();
        assertThat(report(reader, "beta")).isNull();
        assertThat(report(reader, "alpha")).isNotNull();
        assertThat(auditor.status().reports().state()).isEqualTo(PolicyReportWriter.State.WRITTEN);
      } finally {
        modes.close();
      }
    }
  }

  @Test
  void onlyTheLeaseHolderWatchesAndAuditsAndAnotherReplicaTakesOverWithoutRewriting() throws Exception {
    try (MockCluster cluster = MockCluster.withPolicyReports()) {
      cluster.namespace("alpha", Map.of());
      new Seed(cluster.client()).pod("alpha", "web", root());
      KubernetesClient first = cluster.client("imagegate/first");
      KubernetesClient second = cluster.client("imagegate/second");
      NamespaceModes off = new NamespaceModes(false, () -> null);
      Auditor a = auditor(first, off, "first");
      Auditor b = auditor(second, off, "second");
      try {
        a.startElection();
        Await.until(a::leading, "first holds the lease");
        b.startElection();
        Thread.sleep(600); // several retry periods: the second sees a held lease
        assertThat(b.leading()).isFalse();
        assertThat(a.runNow().workloads()).isEqualTo(1);
        assertThat(a.informers()).isPositive();
        assertThat(b.informers()).as("a replica without the lease keeps no informers").isZero();
        assertThat(watches(cluster, "imagegate/second")).as("nor watches anything").isZero();
        assertThat(b.latest()).isNull();
        assertThat(AuditJson.of(b.status(), null)).containsEntry("state", "standby").containsEntry("leader", "first")
            .doesNotContainKey("summary");
        assertThat(cluster.writes("/policyreports")).isNotEmpty().allMatch(w -> w.endsWith("imagegate/first"));

        a.close(); // releases the lease: the second takes over, lists and audits
        Await.until(b::leading, "second takes the lease");
        Await.until(() -> b.latest() != null, "second audits");
        b.settle();
        assertThat(a.informers()).isZero();
        assertThat(b.latest().workloads()).isEqualTo(1);
        assertThat(watches(cluster, "imagegate/second")).isPositive();
        assertThat(b.status().reports().state()).isEqualTo(PolicyReportWriter.State.WRITTEN);
        assertThat(b.status().reports().unchanged()).isEqualTo(1);
        assertThat(cluster.writes("/policyreports")).as("the report is already right: no write on hand-over")
            .noneMatch(w -> w.endsWith("imagegate/second"));
        assertThat(cluster.writes("/leases")).anyMatch(w -> w.endsWith("imagegate/second"));
      } finally {
        a.close();
        b.close();
      }
    }
  }

  @Test
  void aReplicaWithoutTheLeaseServesTheHoldersReportsReadFromTheApiOrSaysWhyNot() throws Exception {
    try (MockCluster cluster = MockCluster.withPolicyReports()) {
      seed(cluster);
      KubernetesClient first = cluster.client("imagegate/first");
      KubernetesClient second = cluster.client("imagegate/second");
      NamespaceModes modes = new NamespaceModes(true, () -> first);
      modes.start();
      Await.until(modes::synced, "namespace labels");
      Auditor a = auditor(first, modes, "first");
      Auditor b = auditor(second, modes, "second");
      try {
        a.startElection();
        Await.until(a::leading, "first holds the lease");
        b.startElection();
        Await.until(() -> "first".equals(b.status().holder()), "second sees the holder");
        AuditReport audit = a.runNow();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var holder = json.valueToTree(a.json(null));

        var standby = json.valueToTree(b.json(null));

        assertThat(standby.path("state").asText()).isEqualTo("standby");
        assertThat(standby.path("leader").asText()).isEqualTo("first");
        assertThat(standby.path("source").asText()).as("marked as read from the API").isEqualTo("api");
        // the audit that last changed a report's content (an unchanged one is not rewritten)
        assertThat(java.time.Instant.parse(standby.path("auditedAt").asText())).isBeforeOrEqualTo(audit.finished());
        assertThat(standby.path("summary")).as("summarised as the holder summarises").isEqualTo(holder.path("summary"));
        assertThat(standby.path("rules")).isEqualTo(holder.path("rules"));
        for (String namespace : List.of("alpha", "beta", "gamma")) {
          assertThat(standby.at("/namespaces/" + namespace + "/summary")).isEqualTo(holder.at("/namespaces/" + namespace + "/summary"));
          assertThat(standby.at("/namespaces/" + namespace + "/workloads").findValuesAsText("name"))
              .containsExactlyInAnyOrderElementsOf(holder.at("/namespaces/" + namespace + "/workloads").findValuesAsText("name"));
        }
        var root = standby.at("/namespaces/alpha/workloads").findParents("name").stream()
            .filter(w -> w.path("name").asText().equals("d2")).findFirst().orElseThrow();
        assertThat(root.at("/results/run-as-non-root/result").asText()).isEqualTo("fail");
        assertThat(root.at("/results/run-as-non-root/message").asText()).isNotEmpty();
        assertThat(watches(cluster, "imagegate/second")).as("reading the reports starts no informer").isZero();

        // the page and the CSV show the same reports, saying whose they are and where they come from
        AuditPage.View page = AuditPage.of(b.state(null), new AuditPage.Filter(null, null));
        assertThat(page.report()).isTrue();
        assertThat(page.source()).contains("lease holder first").contains("read from the API");
        assertThat(page.notice()).contains("first audits");
        assertThat(page.totals().wouldDeny()).isEqualTo(holder.at("/summary/wouldDenyUnderEnforce").asLong());
        var d2 = page.workloads().stream().filter(w -> w.name().equals("d2")).findFirst().orElseThrow();
        assertThat(d2.violations()).filteredOn(v -> v.rule().equals("run-as-non-root"))
            .singleElement().satisfies(v -> assertThat(v.result()).isEqualTo("fail"));
        assertThat(AuditCsv.of(b.state(null).report(), new AuditPage.Filter("alpha", "run-as-non-root")))
            .containsPattern("(?m)^alpha,Deployment,d2,run-as-non-root,fail,");

        var beta = json.valueToTree(b.json("beta"));
        assertThat(beta.path("namespaces").size()).isEqualTo(1);
        assertThat(beta.at("/namespaces/beta/summary")).isEqualTo(holder.at("/namespaces/beta/summary"));

        cluster.forbid("/apis/wgpolicyk8s.io/v1alpha2/namespaces/gamma/policyreports/imagegate");
        var refused = json.valueToTree(b.json("gamma"));
        assertThat(refused.path("state").asText()).isEqualTo("standby");
        assertThat(refused.path("leader").asText()).isEqualTo("first");
        assertThat(refused.path("apiError").asText()).contains("could not be read");
        assertThat(refused.has("summary")).as("never an empty report as if the cluster were clean").isFalse();
        assertThat(refused.has("source")).isFalse();
        AuditPage.View refusedPage = AuditPage.of(b.state("gamma"), new AuditPage.Filter("gamma", null));
        assertThat(refusedPage.report()).isFalse();
        assertThat(refusedPage.notice()).contains("first audits").contains("could not be read");
      } finally {
        a.close();
        b.close();
        modes.close();
      }
    }
  }

  @Test
  void oneChangedDeploymentIsJudgedAloneAndAnUnchangedAuditWritesNothing() throws Exception {
    try (MockCluster cluster = MockCluster.withPolicyReports()) {
      cluster.namespace("alpha", Map.of());
      cluster.namespace("beta", Map.of());
      Seed seed = new Seed(cluster.client());
      seed.deployment("alpha", "web", root(), 3);
      seed.deployment("alpha", "api", good(), 3);
      seed.deployment("beta", "jobs", good(), 2);
      seed.pod("beta", "debug", good());
      KubernetesClient client = cluster.client("imagegate/one");
      MeterRegistry meters = new SimpleMeterRegistry();
      try (Auditor auditor = auditor(client, new NamespaceModes(false, () -> null), "one", meters)) {
        auditor.startElection();
        Await.until(auditor::leading, "the lease");
        Await.until(() -> auditor.latest() != null, "the first audit");
        auditor.settle(); // its reports written
        assertThat(auditor.latest().workloads()).isEqualTo(4);
        double full = judged(meters, "full");
        assertThat(full).isEqualTo(4);
        int writes = cluster.writes("/policyreports").size();
        assertThat(writes).isEqualTo(2);

        // a full audit that finds nothing new writes nothing
        auditor.runNow();
        assertThat(cluster.writes("/policyreports")).hasSize(writes);
        assertThat(auditor.status().reports().unchanged()).isEqualTo(2);
        full = judged(meters, "full");

        // an annotation the rules do not read changes nothing to judge
        client.apps().deployments().inNamespace("alpha").withName("api")
            .edit(d -> { d.getMetadata().setAnnotations(Map.of("team", "shop")); return d; });
        // the fix of one Deployment: that workload alone is judged again, and alpha's report alone written
        seed.fixDeployment("alpha", "web", good());
        Await.until(() -> judged(meters, "changed") >= 1, "the change judged");
        auditor.settle();
        assertThat(judged(meters, "changed")).isEqualTo(1);
        assertThat(judged(meters, "full")).as("no full pass").isEqualTo(full);
        assertThat(cluster.writes("/policyreports")).hasSize(writes + 1).last().asString().contains("/namespaces/alpha/");
        assertThat(counts(report(cluster.client(), "alpha")).get("run-as-non-root")).isEqualTo(of("pass", 2));
        assertThat(meters.find("imagegate.audit.informer.events").tag("kind", "Deployment").tag("type", "update").counter())
            .isNotNull().satisfies(c -> assertThat(c.count()).isGreaterThanOrEqualTo(2));
      }
    }
  }

  @Test
  void missingPolicyReportCrdIsSaidOnceAndTheAuditGoesOn() throws Exception {
    try (LogCapture log = LogCapture.of(Auditor.class); MockCluster cluster = MockCluster.withoutPolicyReports()) {
      cluster.namespace("alpha", Map.of());
      new Seed(cluster.client()).pod("alpha", "web", root());
      KubernetesClient client = cluster.client("imagegate/one");
      try (Auditor auditor = auditor(client, new NamespaceModes(false, () -> null), "one")) {
        auditor.startElection();
        Await.until(auditor::leading, "the lease");
        auditor.runNow();
        auditor.runNow();
        auditor.settle();
        assertThat(auditor.latest().workloads()).isEqualTo(1);
        assertThat(auditor.status().reports().state()).isEqualTo(PolicyReportWriter.State.CRD_MISSING);
        assertThat(cluster.writes("/policyreports")).isEmpty();
        assertThat(log.warnings()).filteredOn(w -> w.contains("CRD")).hasSize(1);
        var json = AuditJson.of(auditor.status(), null);
        assertThat(json).containsEntry("state", "complete");
        assertThat(json.get("policyReports").toString()).contains("crd-missing");
      }
    }
  }

  @Test
  void auditJsonSaysPerNamespaceRuleAndWorkloadWhatEnforceWouldDeny() throws Exception {
    try (MockCluster cluster = MockCluster.withPolicyReports()) {
      cluster.namespace("legacy", Map.of("imagegate.dev/mode", "audit"));
      Seed seed = new Seed(cluster.client());
      seed.deployment("legacy", "web", root(), 1);
      seed.pod("legacy", "ok", good());
      KubernetesClient client = cluster.client();
      NamespaceModes modes = new NamespaceModes(true, () -> client);
      modes.start();
      Await.until(modes::synced, "labels");
      try (Auditor auditor = auditor(client, modes, "one")) {
        auditor.startElection();
        auditor.runNow();
        Map<String, Object> json = AuditJson.of(auditor.status(), "legacy");
        String text = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(json);
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        assertThat(tree.at("/summary/workloads").asInt()).isEqualTo(2);
        assertThat(tree.at("/summary/wouldDenyUnderEnforce").asInt()).isEqualTo(1);
        assertThat(tree.at("/summary/deniedNow").asInt()).isZero();
        assertThat(tree.at("/rules/run-as-non-root/fail").asInt()).isEqualTo(1);
        assertThat(tree.at("/namespaces/legacy/mode").asText()).isEqualTo("audit");
        var web = tree.at("/namespaces/legacy/workloads/0");
        assertThat(web.path("kind").asText()).isEqualTo("Deployment");
        assertThat(web.path("wouldDenyUnderEnforce").asBoolean()).isTrue();
        assertThat(web.at("/results/run-as-non-root/result").asText()).isEqualTo("fail");
        assertThat(web.at("/results/run-as-non-root/mode").asText()).isEqualTo("audit");
        assertThat(web.path("findings").findValuesAsText("rule")).contains("run-as-non-root", "require-healthcheck");
        assertThat(AuditJson.of(auditor.status(), "nowhere").get("namespaces")).isEqualTo(Map.of());
      } finally {
        modes.close();
      }
    }
  }
}
