package dev.imagegate.audit;

import dev.imagegate.config.Mode;
import dev.imagegate.policy.Excepted;
import dev.imagegate.policy.Finding;
import dev.imagegate.workload.Workload;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One complete audit of the cluster: what every workload would get at admission now, and under
 * {@code enforce}. Immutable; {@code GET /audit}, the gauges and the PolicyReports are made from it.
 *
 * @param started when listing the cluster began
 * @param finished when the last workload was judged
 * @param notes what the audit could not see (e.g. a kind it may not list), for the reader
 * @param namespaces namespace → its audit, sorted by name; namespaces whose mode is {@code off}
 *     or that are exempt are absent
 */
public record AuditReport(Instant started, Instant finished, List<String> notes, Map<String, NamespaceAudit> namespaces) {
  /** The PolicyReport result values (wgpolicyk8s.io/v1alpha2), in the order reports count them. */
  public static final List<String> RESULTS = List.of("pass", "fail", "warn", "error", "skip");

  public AuditReport {
    notes = List.copyOf(notes);
    namespaces = Collections.unmodifiableMap(new TreeMap<>(namespaces));
  }

  public Duration duration() {
    return Duration.between(started, finished);
  }

  public int workloads() {
    return namespaces.values().stream().mapToInt(n -> n.workloads().size()).sum();
  }

  /** Result → count over every namespace. */
  public Map<String, Integer> summary() {
    Map<String, Integer> counts = emptyCounts();
    namespaces.values().forEach(n -> n.summary().forEach((result, count) -> counts.merge(result, count, Integer::sum)));
    return counts;
  }

  /** Rule → result → count over every namespace. */
  public Map<String, Map<String, Integer>> byRule() {
    Map<String, Map<String, Integer>> rules = new TreeMap<>();
    namespaces.values().forEach(n -> n.byRule().forEach((rule, counts) ->
        counts.forEach((result, count) -> rules.computeIfAbsent(rule, r -> emptyCounts()).merge(result, count, Integer::sum))));
    return rules;
  }

  static Map<String, Integer> emptyCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    RESULTS.forEach(r -> counts.put(r, 0));
    return counts;
  }

  /**
   * @param namespace its name
   * @param mode its own mode (label {@code imagegate.dev/mode}), or null: the global mode applies
   * @param workloads its workloads, sorted by kind and name
   */
  public record NamespaceAudit(String namespace, Mode mode, List<WorkloadAudit> workloads) {
    public NamespaceAudit {
      workloads = List.copyOf(workloads);
    }

    public Map<String, Integer> summary() {
      Map<String, Integer> counts = emptyCounts();
      workloads.forEach(w -> w.results().forEach(r -> counts.merge(r.result(), 1, Integer::sum)));
      return counts;
    }

    public Map<String, Map<String, Integer>> byRule() {
      Map<String, Map<String, Integer>> rules = new TreeMap<>();
      workloads.forEach(w -> w.results().forEach(r -> rules.computeIfAbsent(r.rule(), x -> emptyCounts()).merge(r.result(), 1, Integer::sum)));
      return rules;
    }

    /** Rule → workloads with a violation of it (results fail or warn). */
    public Map<String, Integer> violationsByRule() {
      Map<String, Integer> violations = new TreeMap<>();
      workloads.forEach(w -> w.results().stream().filter(Result::violation)
          .forEach(r -> violations.merge(r.rule(), 1, Integer::sum)));
      return violations;
    }

    public long wouldDeny() {
      return workloads.stream().filter(WorkloadAudit::wouldDeny).count();
    }
  }

  /**
   * @param workload what was judged
   * @param findings every finding, as admission would get them now
   * @param excepted the violations exceptions let through
   * @param results one result per rule in force (and one for {@code image-reference} when the
   *     reference does not parse)
   * @param deniedNow an admission of it would be denied now
   * @param wouldDeny an admission of it would be denied once its namespace is enforced
   */
  public record WorkloadAudit(Workload workload, List<Finding> findings, List<Excepted> excepted, List<Result> results,
      boolean deniedNow, boolean wouldDeny) {
    public WorkloadAudit {
      findings = List.copyOf(findings);
      excepted = List.copyOf(excepted);
      results = List.copyOf(results);
    }
  }

  /**
   * What one rule concluded about one workload, as a PolicyReport result.
   *
   * @param rule the rule id (the report's {@code policy})
   * @param result pass, fail (a violation that enforce denies), warn (a violation that even enforce
   *     only warns about or records: the rule's own mode says so), error (not judged: the image
   *     could not be read) or skip (exempt, or every violation let through by an exception)
   * @param mode what admission does with the violation now: enforce, warn or audit; null unless a violation
   * @param message what was found; never a secret value
   * @param exception the name(s) of the exception(s) that let its violations through, or null
   */
  public record Result(String rule, String result, Mode mode, String message, String exception) {
    public Result(String rule, String result, Mode mode, String message) {
      this(rule, result, mode, message, null);
    }

    public boolean violation() {
      return "fail".equals(result) || "warn".equals(result);
    }
  }
}
