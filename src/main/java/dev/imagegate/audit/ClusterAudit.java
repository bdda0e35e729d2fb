package dev.imagegate.audit;

import dev.imagegate.audit.AuditReport.NamespaceAudit;
import dev.imagegate.audit.AuditReport.Result;
import dev.imagegate.audit.AuditReport.WorkloadAudit;
import dev.imagegate.config.Mode;
import dev.imagegate.policy.Excepted;
import dev.imagegate.policy.Finding;
import dev.imagegate.policy.Judgement;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.policy.RuleOutcome;
import dev.imagegate.policy.Subject;
import dev.imagegate.workload.Workload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Judges the inventory's workloads with the admission engine and turns the judgements into an
 * {@link AuditReport}: the same rules, exemptions and modes as admission, each distinct image read
 * once per batch.
 */
final class ClusterAudit {
  /** A result's message stays readable in a report, whatever the number of containers. */
  static final int MESSAGE_MAX_CHARS = 1_000;

  private ClusterAudit() {}

  /**
   * Judges workloads, each distinct image read once; those in namespaces that are exempt or whose
   * mode is {@code off} are left out.
   *
   * @param modes namespace → its own mode (label), or null
   * @param concurrency image resolutions at once
   * @return key ({@link Inventory#key}) → audit, in the order given
   */
  static Map<String, WorkloadAudit> judge(PolicyEngine engine, List<Workload> workloads, Function<String, Mode> modes,
      int concurrency) throws InterruptedException {
    List<Workload> judged = new ArrayList<>();
    List<Subject> subjects = new ArrayList<>();
    Map<String, Mode> namespaceModes = new HashMap<>();
    for (Workload workload : workloads) {
      String namespace = workload.namespace();
      if (engine.namespaceExempt(namespace)) {
        continue;
      }
      Mode mode = namespaceModes.computeIfAbsent(namespace, modes); // null (no mode of its own) is looked up again: cheap
      if (mode == Mode.OFF) {
        continue;
      }
      judged.add(workload);
      subjects.add(workload.subject(mode));
    }
    List<Judgement> judgements = engine.judgeAll(subjects, concurrency);
    Map<String, WorkloadAudit> audits = new LinkedHashMap<>();
    for (int i = 0; i < judged.size(); i++) {
      Workload workload = judged.get(i);
      audits.put(Inventory.key(workload), audit(engine, workload, namespaceModes.get(workload.namespace()), judgements.get(i)));
    }
    return audits;
  }

  /** The report of every current audit, per namespace, each namespace's workloads sorted by kind and name. */
  static AuditReport report(Instant started, Instant finished, List<String> notes, Collection<WorkloadAudit> audits,
      Function<String, Mode> modes) {
    Map<String, List<WorkloadAudit>> byNamespace = new HashMap<>();
    for (WorkloadAudit audit : audits) {
      byNamespace.computeIfAbsent(audit.workload().namespace(), n -> new ArrayList<>()).add(audit);
    }
    Map<String, NamespaceAudit> namespaces = new HashMap<>();
    byNamespace.forEach((namespace, workloads) -> {
      workloads.sort(BY_KIND_AND_NAME);
      namespaces.put(namespace, new NamespaceAudit(namespace, modes.apply(namespace), workloads));
    });
    return new AuditReport(started, finished, notes, namespaces);
  }

  private static final Comparator<WorkloadAudit> BY_KIND_AND_NAME =
      Comparator.comparing((WorkloadAudit a) -> a.workload().kind()).thenComparing(a -> a.workload().name());

  static WorkloadAudit audit(PolicyEngine engine, Workload workload, Mode namespaceMode, Judgement judgement) {
    List<Finding> findings = judgement.verdict().findings();
    List<Result> results = new ArrayList<>();
    for (Map.Entry<String, RuleOutcome> entry : judgement.rules().entrySet()) {
      String rule = entry.getKey();
      results.add(switch (entry.getValue()) {
        case VIOLATED -> violation(engine, rule, namespaceMode, findings);
        case PASSED -> new Result(rule, "pass", null, "no violation");
        case NOT_EVALUATED -> new Result(rule, "error", null, message("not judged: ", findings.stream()
            .filter(f -> f.ruleId().equals(PolicyEngine.IMAGE_UNAVAILABLE) || f.ruleId().equals(PolicyEngine.IMAGE_REFERENCE))
            .toList()));
        case EXEMPT -> new Result(rule, "skip", null, "exempt: the configuration exempts every container of this workload from this rule");
        case EXCEPTED -> excepted(rule, judgement.verdict().excepted());
      });
    }
    List<Finding> invalid = findings.stream().filter(f -> f.ruleId().equals(PolicyEngine.IMAGE_REFERENCE)).toList();
    if (!invalid.isEmpty()) {
      results.add(violation(engine, PolicyEngine.IMAGE_REFERENCE, namespaceMode, findings));
    }
    boolean wouldDeny = findings.stream().anyMatch(f -> engine.modeIn(f.ruleId(), Mode.ENFORCE) == Mode.ENFORCE);
    return new WorkloadAudit(workload, findings, judgement.verdict().excepted(), results, judgement.verdict().denied(), wouldDeny);
  }

  /** skip, naming each exception that let the rule's violations through and its reason. */
  private static Result excepted(String rule, List<Excepted> excepted) {
    Map<String, String> reasons = new LinkedHashMap<>();
    List<Excepted> mine = excepted.stream().filter(e -> e.finding().ruleId().equals(rule)).toList();
    mine.forEach(e -> reasons.putIfAbsent(e.exception(), e.reason()));
    List<String> by = new ArrayList<>();
    reasons.forEach((name, reason) -> by.add("\"" + name + "\": " + reason));
    String message = message("excepted by " + String.join("; by ", by) + ". Let through: ", mine.stream().map(Excepted::finding).toList());
    return new Result(rule, "skip", null, message, String.join(",", reasons.keySet()));
  }

  /** fail when enforce would deny it, warn when the rule's own mode keeps it a warning or a record. */
  private static Result violation(PolicyEngine engine, String rule, Mode namespaceMode, List<Finding> findings) {
    boolean wouldDeny = engine.modeIn(rule, Mode.ENFORCE) == Mode.ENFORCE;
    List<Finding> mine = findings.stream().filter(f -> f.ruleId().equals(rule)).toList();
    return new Result(rule, wouldDeny ? "fail" : "warn", engine.modeIn(rule, namespaceMode), message("", mine));
  }

  private static String message(String prefix, List<Finding> findings) {
    StringBuilder text = new StringBuilder(prefix);
    for (int i = 0; i < findings.size(); i++) {
      String line = findings.get(i).describe();
      if (text.length() + line.length() + 2 > MESSAGE_MAX_CHARS) {
        text.append(i == 0 ? "" : "; ").append("… and ").append(findings.size() - i).append(" more");
        break;
      }
      text.append(i == 0 ? "" : "; ").append(line);
    }
    return text.toString();
  }
}
