package dev.imagegate.audit;

import dev.imagegate.audit.AuditReport.NamespaceAudit;
import dev.imagegate.audit.AuditReport.Result;
import dev.imagegate.audit.AuditReport.WorkloadAudit;
import dev.imagegate.policy.Finding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The body of {@code GET /audit}: the latest audit, per namespace, per rule and per workload. */
final class AuditJson {
  private AuditJson() {}

  /** @param namespace only this namespace, or null for all */
  static Map<String, Object> of(Auditor.Status status, String namespace) {
    return of(AuditState.of(status), namespace);
  }

  /**
   * @param state on a replica without the lease, with the holder's reports as read from the API
   *     (shown when they could be read, marked as such)
   * @param namespace only this namespace, or null for all
   */
  static Map<String, Object> of(AuditState state, String namespace) {
    Map<String, Object> body = new LinkedHashMap<>();
    Auditor.Status status = state.status();
    AuditReport report = status.report();
    body.put("enabled", true);
    body.put("state", state.state());
    if (!status.leading()) {
      body.put("leader", status.holder());
    }
    if (state.message() != null) {
      body.put("message", state.message());
    }
    if (state.readFromApi()) {
      body.put("source", "api");
      body.put("auditedAt", state.fromApi().auditedAt() == null ? null : state.fromApi().auditedAt().toString());
    } else if (state.apiError() != null) {
      body.put("apiError", state.apiError());
    }
    body.put("interval", status.interval().toString());
    if (status.lastError() != null) {
      body.put("lastError", status.lastError());
    }
    Map<String, Object> reports = new LinkedHashMap<>();
    reports.put("identity", status.identity());
    reports.put("leader", status.leading());
    reports.put("leaseHolder", status.holder());
    if (status.reports() != null) {
      reports.put("state", status.reports().state().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      reports.put("detail", status.reports().detail());
    }
    body.put("policyReports", reports);
    if (state.readFromApi()) {
      body.put("notes", state.report().notes());
      results(body, state.report(), namespace);
      return body;
    }
    if (report == null || !status.leading()) {
      return body;
    }
    body.put("startedAt", report.started().toString());
    body.put("finishedAt", report.finished().toString());
    body.put("durationSeconds", report.duration().toMillis() / 1000.0);
    body.put("notes", report.notes());
    results(body, report, namespace);
    return body;
  }

  /** Summary, rules and namespaces of {@code report}, of one namespace when {@code namespace} is set. */
  private static void results(Map<String, Object> body, AuditReport report, String namespace) {
    Map<String, NamespaceAudit> namespaces = report.namespaces();
    if (namespace != null) {
      namespaces = namespaces.containsKey(namespace) ? Map.of(namespace, namespaces.get(namespace)) : Map.of();
    }
    AuditReport shown = namespace == null ? report : new AuditReport(report.started(), report.finished(), report.notes(), namespaces);
    body.put("summary", summary(shown.workloads(), shown.namespaces().values().stream().mapToLong(NamespaceAudit::wouldDeny).sum(),
        shown.namespaces().values().stream().mapToLong(n -> n.workloads().stream().filter(WorkloadAudit::deniedNow).count()).sum(),
        shown.summary()));
    body.put("rules", shown.byRule());
    Map<String, Object> byNamespace = new LinkedHashMap<>();
    for (NamespaceAudit audit : shown.namespaces().values()) {
      byNamespace.put(audit.namespace(), namespace(audit));
    }
    body.put("namespaces", byNamespace);
  }

  private static Map<String, Object> summary(long workloads, long wouldDeny, long deniedNow, Map<String, Integer> results) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("workloads", workloads);
    summary.put("wouldDenyUnderEnforce", wouldDeny);
    summary.put("deniedNow", deniedNow);
    summary.put("results", results);
    return summary;
  }

  private static Map<String, Object> namespace(NamespaceAudit audit) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("mode", audit.mode() == null ? null : audit.mode().id());
    entry.put("summary", summary(audit.workloads().size(), audit.wouldDeny(),
        audit.workloads().stream().filter(WorkloadAudit::deniedNow).count(), audit.summary()));
    entry.put("rules", audit.byRule());
    entry.put("workloads", audit.workloads().stream().map(AuditJson::workload).toList());
    return entry;
  }

  private static Map<String, Object> workload(WorkloadAudit audit) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("apiVersion", audit.workload().apiVersion());
    entry.put("kind", audit.workload().kind());
    entry.put("name", audit.workload().name());
    entry.put("wouldDenyUnderEnforce", audit.wouldDeny());
    entry.put("deniedNow", audit.deniedNow());
    Map<String, Object> results = new LinkedHashMap<>();
    for (Result result : audit.results()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("result", result.result());
      if (result.mode() != null) {
        r.put("mode", result.mode().id());
      }
      r.put("message", result.message());
      if (result.exception() != null) {
        r.put("exception", result.exception());
      }
      results.put(result.rule(), r);
    }
    entry.put("results", results);
    List<Map<String, Object>> findings = audit.findings().stream().map(AuditJson::finding).toList();
    entry.put("findings", findings);
    if (!audit.excepted().isEmpty()) {
      entry.put("excepted", audit.excepted().stream().map(e -> {
        Map<String, Object> shown = finding(e.finding());
        shown.put("exception", e.exception());
        shown.put("reason", e.reason());
        return shown;
      }).toList());
    }
    return entry;
  }

  private static Map<String, Object> finding(Finding f) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("rule", f.ruleId());
    entry.put("mode", f.mode().id());
    entry.put("container", f.container());
    entry.put("image", f.image());
    entry.put("message", f.message());
    return entry;
  }
}
