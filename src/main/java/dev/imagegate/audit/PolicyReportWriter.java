package dev.imagegate.audit;

import dev.imagegate.audit.AuditReport.NamespaceAudit;
import dev.imagegate.audit.AuditReport.Result;
import dev.imagegate.audit.AuditReport.WorkloadAudit;
import dev.imagegate.workload.Workload;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Writes an {@link AuditReport} as one {@code wgpolicyk8s.io/v1alpha2} PolicyReport named
 * {@value #NAME} per namespace, updated in place (get, then replace at its resourceVersion):
 * results of workloads that are gone disappear, and the reports of namespaces without audited
 * workloads (all gone, mode off, exempt) are deleted. Only while {@code leader} says so: the
 * leader is asked again before every write.
 */
final class PolicyReportWriter {
  static final String NAME = "imagegate";
  static final String GROUP_VERSION = "wgpolicyk8s.io/v1alpha2";
  static final String SOURCE = "imagegate";
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  /** A report stays well under etcd's object size limit (1.5 MiB): passes and skips go first past this. */
  static final int MAX_RESULTS = 1_000;

  static final ResourceDefinitionContext POLICY_REPORTS = new ResourceDefinitionContext.Builder()
      .withGroup("wgpolicyk8s.io").withVersion("v1alpha2").withKind("PolicyReport").withPlural("policyreports")
      .withNamespaced(true).build();

  private static final Map<String, String> SEVERITY = Map.of(
      "no-secrets-in-env", "high",
      "run-as-non-root", "high",
      "disallow-latest-tag", "medium",
      "require-healthcheck", "low",
      "image-reference", "medium");

  enum State {
    /** Every namespace's report is written. */
    WRITTEN,
    /** Another replica holds the lease. */
    NOT_LEADER,
    /** The PolicyReport CRD is not installed. */
    CRD_MISSING,
    /** RBAC refuses. */
    FORBIDDEN,
    /** Anything else; tried again at the next audit. */
    FAILED
  }

  /**
   * @param state how it went
   * @param detail why, for the log and {@code /audit}
   * @param written reports created or replaced
   * @param deleted reports deleted
   */
  record Outcome(State state, String detail, int written, int deleted) {}

  private final KubernetesClient client;

  PolicyReportWriter(KubernetesClient client) {
    this.client = client;
  }

  Outcome write(AuditReport report, BooleanSupplier leader) {
    if (!leader.getAsBoolean()) {
      return new Outcome(State.NOT_LEADER, "another replica holds the lease", 0, 0);
    }
    int written = 0;
    int deleted = 0;
    try {
      if (!crdInstalled()) {
        return new Outcome(State.CRD_MISSING, "the PolicyReport CRD (" + GROUP_VERSION + ") is not installed", 0, 0);
      }
      Map<String, GenericKubernetesResource> existing = new HashMap<>();
      for (GenericKubernetesResource r : reports().inAnyNamespace().withLabel(MANAGED_BY, SOURCE).list().getItems()) {
        if (NAME.equals(r.getMetadata().getName())) {
          existing.put(r.getMetadata().getNamespace(), r);
        }
      }
      for (NamespaceAudit namespace : report.namespaces().values()) {
        if (!leader.getAsBoolean()) {
          return new Outcome(State.NOT_LEADER, "lost the lease while writing", written, deleted);
        }
        upsert(existing.get(namespace.namespace()), desired(report, namespace));
        written++;
      }
      for (String namespace : existing.keySet()) {
        if (!report.namespaces().containsKey(namespace)) {
          if (!leader.getAsBoolean()) {
            return new Outcome(State.NOT_LEADER, "lost the lease while writing", written, deleted);
          }
          reports().inNamespace(namespace).withName(NAME).delete();
          deleted++;
        }
      }
      return new Outcome(State.WRITTEN, written + " written, " + deleted + " deleted", written, deleted);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        return new Outcome(State.FORBIDDEN, "forbidden: " + AuditLeader.shortMessage(e), written, deleted);
      }
      if (e.getCode() == 404) {
        return new Outcome(State.CRD_MISSING, "the PolicyReport resource is not served (" + GROUP_VERSION + ")", written, deleted);
      }
      return new Outcome(State.FAILED, AuditLeader.shortMessage(e), written, deleted);
    }
  }

  private boolean crdInstalled() {
    APIResourceList resources = client.getApiResources(GROUP_VERSION);
    return resources != null && resources.getResources() != null
        && resources.getResources().stream().anyMatch(r -> "policyreports".equals(r.getName()));
  }

  private io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource,
      io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
      io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> reports() {
    return client.genericKubernetesResources(POLICY_REPORTS);
  }

  /** Replaces the existing report in place (its uid stays), or creates it; one retry on a conflict. */
  private void upsert(GenericKubernetesResource existing, GenericKubernetesResource desired) {
    String namespace = desired.getMetadata().getNamespace();
    for (int attempt = 0; ; attempt++) {
      if (existing == null) {
        try {
          reports().inNamespace(namespace).resource(desired).create();
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409 || attempt > 0) {
            throw e;
          }
          existing = reports().inNamespace(namespace).withName(NAME).get();
          continue;
        }
      }
      desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
      desired.getMetadata().setUid(existing.getMetadata().getUid());
      desired.getMetadata().setCreationTimestamp(existing.getMetadata().getCreationTimestamp());
      try {
        reports().inNamespace(namespace).resource(desired).update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt > 0) {
          throw e;
        }
        existing = reports().inNamespace(namespace).withName(NAME).get();
      }
    }
  }

  /** The report of one namespace. */
  static GenericKubernetesResource desired(AuditReport report, NamespaceAudit namespace) {
    long seconds = report.finished().getEpochSecond();
    List<Entry> all = new ArrayList<>();
    for (WorkloadAudit workload : namespace.workloads()) {
      for (Result result : workload.results()) {
        all.add(new Entry(result, workload.workload()));
      }
    }
    List<Entry> kept = keep(all);
    List<Map<String, Object>> results = new ArrayList<>();
    for (Entry entry : kept) {
      results.add(result(entry.result(), entry.workload(), seconds));
    }
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("apiVersion", "v1");
    scope.put("kind", "Namespace");
    scope.put("name", namespace.namespace());
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("imagegate.dev/audited-at", report.finished().toString());
    if (kept.size() < all.size()) {
      annotations.put("imagegate.dev/results-omitted", String.valueOf(all.size() - kept.size()));
    }
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(GROUP_VERSION).withKind("PolicyReport")
        .withNewMetadata().withName(NAME).withNamespace(namespace.namespace())
        .addToLabels(MANAGED_BY, SOURCE).addToAnnotations(annotations).endMetadata()
        .addToAdditionalProperties("scope", scope)
        .addToAdditionalProperties("summary", namespace.summary())
        .addToAdditionalProperties("results", results)
        .build();
  }

  /** One result of one workload (equal results of different workloads stay apart). */
  private record Entry(Result result, Workload workload) {}

  /** Every result when they fit; else violations and errors first, then skips, then passes, each in workload order. */
  private static List<Entry> keep(List<Entry> all) {
    if (all.size() <= MAX_RESULTS) {
      return all;
    }
    Map<String, Integer> rank = Map.of("fail", 0, "warn", 0, "error", 0, "skip", 1, "pass", 2);
    List<Entry> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparing(e -> rank.getOrDefault(e.result().result(), 3))); // stable
    return sorted.subList(0, MAX_RESULTS);
  }

  private static Map<String, Object> result(Result result, Workload workload, long seconds) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("source", SOURCE);
    entry.put("policy", result.rule());
    entry.put("result", result.result());
    entry.put("severity", SEVERITY.getOrDefault(result.rule(), "medium"));
    entry.put("category", "Container image practices");
    entry.put("scored", true);
    entry.put("message", result.message());
    entry.put("timestamp", Map.of("seconds", seconds, "nanos", 0));
    Map<String, Object> resource = new LinkedHashMap<>();
    resource.put("apiVersion", workload.apiVersion());
    resource.put("kind", workload.kind());
    resource.put("name", workload.name());
    resource.put("namespace", workload.namespace());
    if (workload.uid() != null) {
      resource.put("uid", workload.uid());
    }
    entry.put("resources", List.of(resource));
    Map<String, String> properties = new LinkedHashMap<>();
    if (result.mode() != null) {
      properties.put("mode", result.mode().id());
    }
    properties.put("wouldDenyUnderEnforce", String.valueOf("fail".equals(result.result())));
    entry.put("properties", properties);
    return entry;
  }
}
