package dev.imagegate.audit;

import dev.imagegate.audit.AuditReport.NamespaceAudit;
import dev.imagegate.audit.AuditReport.Result;
import dev.imagegate.audit.AuditReport.WorkloadAudit;
import dev.imagegate.config.ReportFormat;
import dev.imagegate.workload.Workload;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Writes an {@link AuditReport} as one report named {@value #NAME} per namespace, of one
 * {@link ReportKind} ({@code wgpolicyk8s.io/v1alpha2} PolicyReport or {@code openreports.io/v1alpha1}
 * Report: the same content), updated in place: results of workloads that are gone disappear, and
 * the reports of namespaces without audited workloads (all gone, mode off, exempt) are deleted.
 * Only a namespace whose content changed is written: each report carries a hash of its content
 * (results, summary, scope; not the time) in {@value #CONTENT_HASH}, read once per term from the
 * API, then kept in memory, so an unchanged round makes no request and a new leader rewrites
 * nothing that is already right. Only while {@code leader} says so: asked again before every write.
 */
final class PolicyReportWriter {
  static final String NAME = "imagegate";
  static final String SOURCE = "imagegate";
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String CONTENT_HASH = "imagegate.dev/content-hash";
  static final String OMITTED = "imagegate.dev/results-omitted";
  /** Results per report at most: passes and skips go first past this. */
  static final int MAX_RESULTS = 1_000;
  /**
   * Serialized results per report at most: the apiserver refuses a request over 1.5 MiB (etcd's
   * limit), and the rest of the report and the timestamps must still fit.
   */
  static final int MAX_RESULT_BYTES = 1_000_000;

  /**
   * A report API imagegate writes: the two share their fields (scope, summary, results), an
   * OpenReports Report also names its {@code source}.
   *
   * @param format its value in {@code audit.reportFormat} and the metrics' {@code format} label
   */
  record ReportKind(String group, String version, String kind, String plural, String format) {
    static final ReportKind POLICY_REPORT =
        new ReportKind("wgpolicyk8s.io", "v1alpha2", "PolicyReport", "policyreports", "policyreport");
    static final ReportKind OPEN_REPORT = new ReportKind("openreports.io", "v1alpha1", "Report", "reports", "openreports");

    String apiVersion() {
      return group + "/" + version;
    }

    /** How a person names the objects: {@code PolicyReports}, {@code Reports (openreports.io)}. */
    String shownAs() {
      return this.equals(POLICY_REPORT) ? kind + "s" : kind + "s (" + group + ")";
    }

    /** The command that lists them in every namespace; {@code reports} alone is ambiguous, so fully qualified. */
    String kubectlGet() {
      return "kubectl get " + (this.equals(POLICY_REPORT) ? plural : plural + "." + group) + " -A";
    }

    ResourceDefinitionContext context() {
      return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
          .withPlural(plural).withNamespaced(true).build();
    }

    /** The kinds {@code audit.reportFormat} asks for. */
    static List<ReportKind> of(ReportFormat format) {
      List<ReportKind> kinds = new ArrayList<>();
      if (format.policyReports()) {
        kinds.add(POLICY_REPORT);
      }
      if (format.openReports()) {
        kinds.add(OPEN_REPORT);
      }
      return List.copyOf(kinds);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  static final ResourceDefinitionContext POLICY_REPORTS = ReportKind.POLICY_REPORT.context();

  private static final Map<String, String> SEVERITY = Map.ofEntries(
      Map.entry("no-secrets-in-env", "high"),
      Map.entry("run-as-non-root", "high"),
      Map.entry("no-sudo", "high"),
      Map.entry("disallow-latest-tag", "medium"),
      Map.entry("no-ssh-port", "medium"),
      Map.entry("no-remote-add", "medium"),
      Map.entry("no-build-tools", "medium"),
      Map.entry("require-healthcheck", "low"),
      Map.entry("apt-lists-cleaned", "low"),
      Map.entry("image-size", "low"),
      Map.entry("python-unbuffered", "low"),
      Map.entry("image-reference", "medium"));

  enum State {
    /** Every namespace's report is up to date. */
    WRITTEN,
    /** Another replica holds the lease. */
    NOT_LEADER,
    /** The report's CRD is not installed. */
    CRD_MISSING,
    /** RBAC refuses. */
    FORBIDDEN,
    /** Anything else; tried again at the next round. */
    FAILED
  }

  /**
   * @param state how it went
   * @param detail why, for the log and {@code /audit}
   * @param written reports created or replaced
   * @param deleted reports deleted
   * @param unchanged reports left as they were: their content did not change
   */
  record Outcome(State state, String detail, int written, int deleted, int unchanged) {}

  /** A report as this writer last saw it in the API. */
  private record Known(String hash, String resourceVersion, String uid, String creationTimestamp) {
    static Known of(GenericKubernetesResource report) {
      Map<String, String> annotations = report.getMetadata().getAnnotations();
      return new Known(annotations == null ? null : annotations.get(CONTENT_HASH), report.getMetadata().getResourceVersion(),
          report.getMetadata().getUid(), report.getMetadata().getCreationTimestamp());
    }
  }

  private final KubernetesClient client;
  private final ReportKind kind;
  /** Namespace → its report in the API; null until read (once per term, and again after a failure). */
  private Map<String, Known> known;

  PolicyReportWriter(KubernetesClient client, ReportKind kind) {
    this.client = client;
    this.kind = kind;
  }

  ReportKind kind() {
    return kind;
  }

  /** Forgets what it knows of the API: the lease is gone, and whoever holds it next may write. */
  void forget() {
    known = null;
  }

  Outcome write(AuditReport report, BooleanSupplier leader) {
    if (!leader.getAsBoolean()) {
      return new Outcome(State.NOT_LEADER, "another replica holds the lease", 0, 0, 0);
    }
    int written = 0;
    int deleted = 0;
    int unchanged = 0;
    try {
      if (known == null) {
        if (!crdInstalled()) {
          return new Outcome(State.CRD_MISSING, "the " + kind.kind() + " CRD (" + kind.apiVersion() + ") is not installed", 0, 0, 0);
        }
        Map<String, Known> existing = new HashMap<>();
        for (GenericKubernetesResource r : reports().inAnyNamespace().withLabel(MANAGED_BY, SOURCE).list().getItems()) {
          if (NAME.equals(r.getMetadata().getName())) {
            existing.put(r.getMetadata().getNamespace(), Known.of(r));
          }
        }
        known = existing;
      }
      for (NamespaceAudit namespace : report.namespaces().values()) {
        GenericKubernetesResource desired = desired(kind, report, namespace);
        Known before = known.get(namespace.namespace());
        if (before != null && desired.getMetadata().getAnnotations().get(CONTENT_HASH).equals(before.hash())) {
          unchanged++;
          continue;
        }
        if (!leader.getAsBoolean()) {
          return new Outcome(State.NOT_LEADER, "lost the lease while writing", written, deleted, unchanged);
        }
        known.put(namespace.namespace(), Known.of(upsert(before, desired)));
        written++;
      }
      for (String namespace : List.copyOf(known.keySet())) {
        if (!report.namespaces().containsKey(namespace)) {
          if (!leader.getAsBoolean()) {
            return new Outcome(State.NOT_LEADER, "lost the lease while writing", written, deleted, unchanged);
          }
          reports().inNamespace(namespace).withName(NAME).delete();
          known.remove(namespace);
          deleted++;
        }
      }
      return new Outcome(State.WRITTEN, written + " written, " + deleted + " deleted, " + unchanged + " unchanged", written,
          deleted, unchanged);
    } catch (KubernetesClientException e) {
      known = null; // read the API again next time
      if (e.getCode() == 403) {
        return new Outcome(State.FORBIDDEN, "forbidden: " + AuditLeader.shortMessage(e), written, deleted, unchanged);
      }
      if (e.getCode() == 404) {
        return new Outcome(State.CRD_MISSING, "the " + kind.kind() + " resource is not served (" + kind.apiVersion() + ")", written,
            deleted, unchanged);
      }
      return new Outcome(State.FAILED, AuditLeader.shortMessage(e), written, deleted, unchanged);
    }
  }

  private boolean crdInstalled() {
    APIResourceList resources = client.getApiResources(kind.apiVersion());
    return resources != null && resources.getResources() != null
        && resources.getResources().stream().anyMatch(r -> kind.plural().equals(r.getName()));
  }

  private io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource,
      io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
      io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> reports() {
    return client.genericKubernetesResources(kind.context());
  }

  /** Replaces the existing report in place (its uid stays), or creates it; one retry on a conflict. Returns it as stored. */
  private GenericKubernetesResource upsert(Known existing, GenericKubernetesResource desired) {
    String namespace = desired.getMetadata().getNamespace();
    for (int attempt = 0; ; attempt++) {
      if (existing == null) {
        try {
          return reports().inNamespace(namespace).resource(desired).create();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409 || attempt > 0) {
            throw e;
          }
          existing = Known.of(reports().inNamespace(namespace).withName(NAME).get());
          continue;
        }
      }
      desired.getMetadata().setResourceVersion(existing.resourceVersion());
      desired.getMetadata().setUid(existing.uid());
      desired.getMetadata().setCreationTimestamp(existing.creationTimestamp());
      try {
        return reports().inNamespace(namespace).resource(desired).update();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt > 0) {
          throw e;
        }
        GenericKubernetesResource current = reports().inNamespace(namespace).withName(NAME).get();
        existing = current == null ? null : Known.of(current);
      }
    }
  }

  /** The report of one namespace, with the hash of its content (not of the time). */
  static GenericKubernetesResource desired(ReportKind kind, AuditReport report, NamespaceAudit namespace) {
    List<Entry> all = new ArrayList<>();
    for (WorkloadAudit workload : namespace.workloads()) {
      for (Result result : workload.results()) {
        all.add(new Entry(result, workload.workload()));
      }
    }
    List<Map<String, Object>> results = new ArrayList<>();
    int bytes = 0;
    for (Entry entry : ordered(all)) {
      Map<String, Object> result = result(entry.result(), entry.workload());
      bytes += size(result);
      if (results.size() == MAX_RESULTS || bytes > MAX_RESULT_BYTES) {
        break;
      }
      results.add(result);
    }
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("apiVersion", "v1");
    scope.put("kind", "Namespace");
    scope.put("name", namespace.namespace());
    Map<String, Object> summary = new LinkedHashMap<>(namespace.summary());
    int omitted = all.size() - results.size();
    String hash = hash(List.of(scope, summary, results, omitted));
    Map<String, Object> timestamp = Map.of("seconds", report.finished().getEpochSecond(), "nanos", 0);
    results.forEach(r -> r.put("timestamp", timestamp)); // when the content last changed: not part of the hash
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("imagegate.dev/audited-at", report.finished().toString());
    annotations.put(CONTENT_HASH, hash);
    if (omitted > 0) {
      annotations.put(OMITTED, String.valueOf(omitted));
    }
    GenericKubernetesResourceBuilder object = new GenericKubernetesResourceBuilder()
        .withApiVersion(kind.apiVersion()).withKind(kind.kind())
        .withNewMetadata().withName(NAME).withNamespace(namespace.namespace())
        .addToLabels(MANAGED_BY, SOURCE).addToAnnotations(annotations).endMetadata();
    if (kind == ReportKind.OPEN_REPORT) {
      object.addToAdditionalProperties("source", SOURCE);
    }
    return object
        .addToAdditionalProperties("scope", scope)
        .addToAdditionalProperties("summary", summary)
        .addToAdditionalProperties("results", results)
        .build();
  }

  private static int size(Object value) {
    try {
      return JSON.writeValueAsBytes(value).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hash(Object content) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(content));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One result of one workload (equal results of different workloads stay apart). */
  private record Entry(Result result, Workload workload) {}

  /** Violations and errors first, then skips, then passes, each in workload order: what a cap cuts comes last. */
  private static List<Entry> ordered(List<Entry> all) {
    Map<String, Integer> rank = Map.of("fail", 0, "warn", 0, "error", 0, "skip", 1, "pass", 2);
    List<Entry> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparing(e -> rank.getOrDefault(e.result().result(), 3))); // stable
    return sorted;
  }

  private static Map<String, Object> result(Result result, Workload workload) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("source", SOURCE);
    entry.put("policy", result.rule());
    entry.put("result", result.result());
    entry.put("severity", SEVERITY.getOrDefault(result.rule(), "medium"));
    entry.put("category", "Container image practices");
    entry.put("scored", true);
    entry.put("message", result.message());
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
    if (result.exception() != null) {
      properties.put("exception", result.exception());
    }
    entry.put("properties", properties);
    return entry;
  }
}
