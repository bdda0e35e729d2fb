package dev.imagegate.audit;

import dev.imagegate.audit.AuditReport.NamespaceAudit;
import dev.imagegate.audit.AuditReport.Result;
import dev.imagegate.audit.AuditReport.WorkloadAudit;
import dev.imagegate.config.Mode;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.workload.Workload;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * On a replica without the audit lease: the PolicyReports the holder wrote ({@link PolicyReportWriter}),
 * read back from the API into an {@link AuditReport}, so {@code GET /audit} there shows the
 * cluster's latest audit rather than only naming the holder. A report keeps no findings apart
 * from its results (their messages say what was found) and at most {@link PolicyReportWriter#MAX_RESULTS}
 * results (passes and skips go first): what it omits is counted. Read at most once per
 * {@link #FRESH}, so a burst of requests makes one list.
 */
final class ReportsFromApi {
  static final Duration FRESH = Duration.ofSeconds(10);
  /** Reports per page: each may be up to about a megabyte. */
  static final long PAGE = 20;

  /**
   * @param report the reports as an audit, or null when they could not be read
   * @param auditedAt when the newest of them was audited, or null when there is none
   * @param omitted results the reports left out (past their cap)
   * @param error why they could not be read (or there are none), or null
   */
  record Read(AuditReport report, Instant auditedAt, long omitted, String error) {}

  private final KubernetesClient client;
  private final PolicyReportWriter.ReportKind kind;
  private final Supplier<PolicyEngine> engines;
  private final Function<String, Mode> namespaceModes;
  private Read cached;
  private String cachedNamespace;
  private long readAt;

  /**
   * @param kind the reports the holder writes (the first of {@code audit.reportFormat})
   * @param engines this replica's engine in force, configured as the holder's: what an image that
   *     could not be read (an {@code error} result) does at admission
   * @param namespaceModes namespace → its own mode (label), or null
   */
  ReportsFromApi(KubernetesClient client, PolicyReportWriter.ReportKind kind, Supplier<PolicyEngine> engines,
      Function<String, Mode> namespaceModes) {
    this.client = client;
    this.kind = kind;
    this.engines = engines;
    this.namespaceModes = namespaceModes;
  }

  /** @param namespace only this namespace's report, or null for all */
  synchronized Read read(String namespace) {
    long now = System.nanoTime();
    if (cached != null && Objects.equals(namespace, cachedNamespace) && now - readAt < FRESH.toNanos()) {
      return cached;
    }
    cached = readNow(namespace);
    cachedNamespace = namespace;
    readAt = now;
    return cached;
  }

  private Read readNow(String namespace) {
    List<GenericKubernetesResource> reports = new ArrayList<>();
    try {
      if (namespace != null) {
        GenericKubernetesResource one = client.genericKubernetesResources(kind.context()).inNamespace(namespace)
            .withName(PolicyReportWriter.NAME).get();
        if (one != null && written(one)) {
          reports.add(one);
        }
      } else {
        String next = null;
        do {
          GenericKubernetesResourceList page = client.genericKubernetesResources(kind.context()).inAnyNamespace()
              .withLabel(PolicyReportWriter.MANAGED_BY, PolicyReportWriter.SOURCE)
              .list(new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build());
          page.getItems().stream().filter(ReportsFromApi::written).forEach(reports::add);
          next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());
      }
    } catch (KubernetesClientException e) {
      return new Read(null, null, 0, "the " + kind.kind() + "s could not be read: " + AuditLeader.shortMessage(e));
    }
    if (reports.isEmpty()) {
      // nothing written (yet, or here): no results rather than a report that reads as a clean cluster
      return new Read(null, null, 0, namespace == null ? "no " + kind.kind() + " written by imagegate yet"
          : "no " + kind.kind() + " written by imagegate in namespace " + namespace);
    }
    return of(reports);
  }

  private static boolean written(GenericKubernetesResource report) {
    return PolicyReportWriter.NAME.equals(report.getMetadata().getName())
        && PolicyReportWriter.SOURCE.equals(labels(report).get(PolicyReportWriter.MANAGED_BY));
  }

  /** The reports as one audit: a namespace per report, a workload per resource its results name. */
  Read of(List<GenericKubernetesResource> reports) {
    PolicyEngine engine = engines.get(); // one configuration for the whole read
    Map<String, NamespaceAudit> namespaces = new TreeMap<>();
    Instant newest = null;
    long omitted = 0;
    for (GenericKubernetesResource report : reports) {
      String namespace = report.getMetadata().getNamespace();
      Map<String, String> annotations = annotations(report);
      Instant auditedAt = instant(annotations.get("imagegate.dev/audited-at"));
      if (auditedAt != null && (newest == null || auditedAt.isAfter(newest))) {
        newest = auditedAt;
      }
      omitted += parseLong(annotations.get(PolicyReportWriter.OMITTED));
      Mode mode = namespaceModes.apply(namespace);
      namespaces.put(namespace, new NamespaceAudit(namespace, mode, workloads(engine, namespace, mode, report)));
    }
    Instant when = newest == null ? Instant.EPOCH : newest;
    List<String> notes = new ArrayList<>();
    notes.add("read from the " + kind.kind() + "s in the API: the findings are in each result's message");
    if (omitted > 0) {
      notes.add(omitted + " results are not in the reports (past their cap of " + PolicyReportWriter.MAX_RESULTS
          + " results: passes and skips first)");
    }
    return new Read(new AuditReport(when, when, notes, namespaces), newest, omitted, null);
  }

  @SuppressWarnings("unchecked")
  private List<WorkloadAudit> workloads(PolicyEngine engine, String namespace, Mode namespaceMode, GenericKubernetesResource report) {
    Object listed = report.getAdditionalProperties().get("results");
    Map<List<String>, List<Result>> byResource = new LinkedHashMap<>();
    Map<List<String>, String> uids = new LinkedHashMap<>();
    if (listed instanceof List<?> results) {
      for (Object item : results) {
        if (!(item instanceof Map<?, ?> result) || !(result.get("resources") instanceof List<?> resources) || resources.isEmpty()
            || !(resources.get(0) instanceof Map<?, ?> resource)) {
          continue;
        }
        List<String> id = List.of(text(resource.get("apiVersion")), text(resource.get("kind")), text(resource.get("name")));
        uids.putIfAbsent(id, (String) resource.get("uid"));
        Map<String, Object> properties = result.get("properties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
        String mode = (String) properties.get("mode");
        byResource.computeIfAbsent(id, k -> new ArrayList<>()).add(new Result(text(result.get("policy")), text(result.get("result")),
            mode(mode), text(result.get("message")), (String) properties.get("exception")));
      }
    }
    List<WorkloadAudit> workloads = new ArrayList<>();
    byResource.forEach((id, results) -> {
      Workload workload = new Workload(id.get(1), id.get(0), namespace, id.get(2), null, uids.get(id), Map.of(), Map.of(), null, null,
          List.of());
      // as ClusterAudit decides them: a violation by its mode, an image not read by registries.onError
      boolean unread = results.stream().anyMatch(r -> "error".equals(r.result()));
      boolean deniedNow = results.stream().anyMatch(r -> r.violation() && r.mode() == Mode.ENFORCE)
          || unread && engine.modeIn(PolicyEngine.IMAGE_UNAVAILABLE, namespaceMode) == Mode.ENFORCE;
      boolean wouldDeny = results.stream().anyMatch(r -> "fail".equals(r.result()))
          || unread && engine.modeIn(PolicyEngine.IMAGE_UNAVAILABLE, Mode.ENFORCE) == Mode.ENFORCE;
      workloads.add(new WorkloadAudit(workload, List.of(), List.of(), results, deniedNow, wouldDeny));
    });
    return workloads;
  }

  /** A result's mode as the writer wrote it; null when absent or not a mode (a report edited by hand). */
  private static Mode mode(String value) {
    try {
      return value == null ? null : Mode.of(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Map<String, String> labels(GenericKubernetesResource report) {
    return report.getMetadata().getLabels() == null ? Map.of() : report.getMetadata().getLabels();
  }

  private static Map<String, String> annotations(GenericKubernetesResource report) {
    return report.getMetadata().getAnnotations() == null ? Map.of() : report.getMetadata().getAnnotations();
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString();
  }

  private static Instant instant(String value) {
    try {
      return value == null ? null : Instant.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static long parseLong(String value) {
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
