package dev.imagegate.audit;

import dev.imagegate.audit.AuditReport.NamespaceAudit;
import dev.imagegate.audit.AuditReport.Result;
import dev.imagegate.audit.AuditReport.WorkloadAudit;
import dev.imagegate.policy.Excepted;
import dev.imagegate.policy.Finding;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code GET /audit.csv}: one row per workload and rule, as the PolicyReports have them (RFC 4180,
 * with a header). Safe to open in a spreadsheet: a cell that a spreadsheet would read as a formula
 * (starting with {@code = + - @}, a tab or a carriage return) is prefixed with {@code '}.
 */
final class AuditCsv {
  static final List<String> HEADER = List.of("namespace", "kind", "name", "rule", "result", "mode", "wouldDenyUnderEnforce",
      "containers", "images", "message", "exception", "exceptionReason", "exceptionExpires");

  private AuditCsv() {}

  /** The report's rows that pass the filter (the rule filter keeps that rule's rows). */
  static String of(AuditReport report, AuditPage.Filter filter) {
    return of(report, filter, Map.of());
  }

  /** @param exceptionEnds each configured exception's end date by its name ({@link AuditPage#ends}) */
  static String of(AuditReport report, AuditPage.Filter filter, Map<String, LocalDate> exceptionEnds) {
    StringBuilder csv = new StringBuilder();
    line(csv, HEADER);
    for (NamespaceAudit namespace : report.namespaces().values()) {
      if (filter.namespace() != null && !filter.namespace().equals(namespace.namespace())) {
        continue;
      }
      for (WorkloadAudit workload : namespace.workloads()) {
        for (Result result : workload.results()) {
          if (filter.rule() == null || filter.rule().equals(result.rule())) {
            line(csv, row(workload, result, exceptionEnds));
          }
        }
      }
    }
    return csv.toString();
  }

  private static List<String> row(WorkloadAudit workload, Result result, Map<String, LocalDate> exceptionEnds) {
    List<Finding> findings = Stream.concat(workload.findings().stream(), workload.excepted().stream().map(Excepted::finding))
        .filter(f -> f.ruleId().equals(result.rule())).toList();
    AuditPage.ExceptionView exception = AuditPage.exception(workload, result.rule(), exceptionEnds);
    return List.of(workload.workload().namespace(), workload.workload().kind(), workload.workload().name(), result.rule(),
        result.result(), result.mode() == null ? "" : result.mode().id(), String.valueOf("fail".equals(result.result())),
        findings.stream().map(Finding::container).distinct().collect(Collectors.joining(" ")),
        findings.stream().map(Finding::image).distinct().collect(Collectors.joining(" ")),
        result.message(),
        exception == null ? "" : exception.name(),
        exception == null || exception.reason() == null ? "" : exception.reason(),
        exception == null || exception.expires() == null ? "" : exception.expires());
  }

  private static void line(StringBuilder csv, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      csv.append(i == 0 ? "" : ",").append(cell(cells.get(i)));
    }
    csv.append("\r\n");
  }

  /** One cell: defused as a formula, then quoted when it holds a comma, a quote or a line break. */
  static String cell(String value) {
    String text = value == null ? "" : value;
    if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
      text = "'" + text;
    }
    if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      text = '"' + text.replace("\"", "\"\"") + '"';
    }
    return text;
  }
}
