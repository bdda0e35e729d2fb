package dev.imagegate.audit;

import dev.imagegate.audit.AuditReport.NamespaceAudit;
import dev.imagegate.audit.AuditReport.Result;
import dev.imagegate.audit.AuditReport.WorkloadAudit;
import dev.imagegate.config.ExceptionEntry;
import dev.imagegate.policy.Excepted;
import dev.imagegate.policy.Finding;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.rules.ContainerContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the report page ({@code GET /audit} for a browser, templates/audit/page.html) shows: the
 * latest audit, filtered by namespace and rule, as plain values. Every value is text for the
 * template to escape; links are built here from URL-encoded query parameters only (always
 * relative: {@code ?…} or {@code #…}), so no value from the cluster can become a scheme or a path.
 */
final class AuditPage {
  /** The result shown for a violation an exception let through (the report's result is {@code skip}). */
  static final String EXCEPTED = "excepted";
  /** Workloads listed at most: a page of a large cluster stays usable; the filters narrow it. */
  static final int MAX_WORKLOADS = 500;
  /** Images listed in "top images". */
  static final int TOP_IMAGES = 10;

  private AuditPage() {}

  /**
   * The page's filters (query parameters {@code namespace} and {@code rule}; absent or empty: all).
   * The rule filter keeps the workloads that violate the rule (results fail or warn: what the
   * matrix counts) and those whose violations of it an exception lets through (the rule table's
   * excepted column), shown with that exception.
   */
  record Filter(String namespace, String rule) {
    Filter {
      namespace = namespace == null || namespace.isBlank() ? null : namespace;
      rule = rule == null || rule.isBlank() ? null : rule;
    }

    boolean any() {
      return namespace != null || rule != null;
    }

    /** The page with these filters, as a relative link. */
    static String href(String namespace, String rule) {
      StringBuilder query = new StringBuilder("?");
      if (namespace != null) {
        query.append("namespace=").append(encode(namespace));
      }
      if (rule != null) {
        query.append(query.length() > 1 ? "&" : "").append("rule=").append(encode(rule));
      }
      return query.length() == 1 ? "?" : query.toString();
    }

    /** The same filters on another endpoint, e.g. {@code audit.csv}. */
    String on(String path) {
      String query = href(namespace, rule);
      return query.equals("?") ? path : path + query;
    }
  }

  /**
   * The whole page.
   *
   * @param state off, failed, standby, pending, running or complete
   * @param notice why there is nothing to show and what to do, or who audits when this replica
   *     shows the holder's reports; null when this replica shows its own audit
   * @param report false when there is no report to show (then only the notice)
   * @param source where the report shown comes from when not from this replica's audit, or null
   */
  record View(String state, String notice, boolean report, String source, String finishedAt, String interval, String lastError,
      String reports, List<String> notes, Filter filter, Totals totals, List<String> rules, List<MatrixRow> matrix,
      List<RuleRow> perRule, List<ImageRow> images, List<WorkloadRow> workloads, int workloadsNotShown,
      List<Link> namespaceLinks, List<Link> ruleLinks, Link allLink, String csvHref) {}

  /**
   * @param wouldDeny workloads an admission would deny under enforce
   * @param deniedNow workloads an admission would deny today
   * @param warned workloads with violations that even enforce does not deny (and none it does)
   * @param excepted workloads with a violation an exception lets through
   * @param errors workloads imagegate could not fully judge (an image not readable)
   */
  record Totals(int workloads, int namespaces, long wouldDeny, long deniedNow, long warned, long excepted, long errors) {}

  /** One namespace of the namespace × rule matrix: per rule, its workloads violating it. */
  record MatrixRow(String namespace, String mode, String href, int workloads, long wouldDeny, List<Cell> cells) {}

  /** @param href the rows counted (this namespace and rule), or null when there are none */
  record Cell(String rule, int count, String href) {}

  /** @param href the workloads violating this rule (in the filtered namespace) */
  record RuleRow(String rule, String href, int pass, int fail, int warn, int error, int skip, int excepted) {}

  /** @param workloads workloads with a violation in this image */
  record ImageRow(String image, int workloads, String rules) {}

  record WorkloadRow(String namespace, String kind, String name, String anchor, boolean wouldDeny, boolean deniedNow,
      List<ContainerRow> containers, List<ViolationRow> violations, String summary) {}

  record ContainerRow(String name, String image, String kind) {}

  /**
   * One finding.
   *
   * @param result fail, warn or error (as in the PolicyReport), or excepted
   * @param problem what is wrong
   * @param fix how to fix it, or null when the message has no separate hint
   * @param exception the exception letting it through, or null
   */
  record ViolationRow(String rule, String result, String mode, String container, String image, String problem, String fix,
      ExceptionView exception) {}

  /** A named exception that lets a violation through: its name, why, and until when (null: no end). */
  record ExceptionView(String name, String reason, String expires) {}

  record Link(String label, String href, boolean current) {}

  /** The page for a replica that has no report to show: the notice alone. */
  static View notice(AuditState state) {
    return new View(state.state(), state.notice(), false, null, null,
        state.status() == null ? null : state.status().interval().toString(),
        state.status() == null ? null : state.status().lastError(), null, List.of(), new Filter(null, null),
        null, List.of(), List.of(), List.of(), List.of(), List.of(), 0, List.of(), List.of(), null, null);
  }

  static View of(AuditState state, Filter filter) {
    return of(state, filter, Map.of());
  }

  /** @param exceptionEnds each configured exception's end date by its name ({@link #ends}) */
  static View of(AuditState state, Filter filter, Map<String, LocalDate> exceptionEnds) {
    AuditReport full = state.report();
    if (full == null) {
      return notice(state);
    }
    Auditor.Status status = state.status();
    Map<String, NamespaceAudit> namespaces = full.namespaces();
    if (filter.namespace() != null) {
      NamespaceAudit one = namespaces.get(filter.namespace());
      namespaces = one == null ? Map.of() : Map.of(one.namespace(), one);
    }
    AuditReport shown = new AuditReport(full.started(), full.finished(), full.notes(), namespaces);
    List<String> rules = List.copyOf(full.byRule().keySet());

    List<WorkloadAudit> listed = new ArrayList<>();
    for (NamespaceAudit namespace : shown.namespaces().values()) {
      for (WorkloadAudit workload : namespace.workloads()) {
        if (filter.rule() == null || violates(workload, filter.rule()) || exceptedRules(workload).contains(filter.rule())) {
          listed.add(workload);
        }
      }
    }
    List<WorkloadRow> rows = listed.stream().limit(MAX_WORKLOADS).map(w -> row(w, exceptionEnds)).toList();

    List<Link> namespaceLinks = full.namespaces().keySet().stream()
        .map(n -> new Link(n, Filter.href(n, filter.rule()), n.equals(filter.namespace()))).toList();
    List<Link> ruleLinks = rules.stream()
        .map(r -> new Link(r, Filter.href(filter.namespace(), r), r.equals(filter.rule()))).toList();
    String reports = status.reports() == null ? null
        : status.reports().state().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ": " + status.reports().detail();
    String source = state.readFromApi()
        ? "the reports of lease holder " + status.holder() + ", read from the API (audited at " + full.finished() + ")"
        : null;
    return new View(state.state(), source == null ? null : state.message(), true, source, full.finished().toString(), status.interval().toString(), status.lastError(),
        reports, full.notes(), filter, totals(shown), rules, matrix(shown, rules), perRule(shown, filter), images(listed, filter),
        rows, listed.size() - rows.size(), namespaceLinks, ruleLinks, new Link("all", "?", !filter.any()),
        filter.on("audit.csv"));
  }

  static boolean violates(WorkloadAudit workload, String rule) {
    return workload.results().stream().anyMatch(r -> r.rule().equals(rule) && r.violation());
  }

  /** Each configured exception's end date by its name (an exception without one, or from an annotation, is absent). */
  static Map<String, LocalDate> ends(List<ExceptionEntry> exceptions) {
    Map<String, LocalDate> ends = new HashMap<>();
    exceptions.stream().filter(e -> e.expires() != null).forEach(e -> ends.put(e.name(), e.expires()));
    return ends;
  }

  /** The rules of which an exception let some violations of the workload through. */
  static Set<String> exceptedRules(WorkloadAudit workload) {
    Set<String> rules = new TreeSet<>();
    workload.excepted().forEach(e -> rules.add(e.finding().ruleId()));
    // read from the API a workload has its results alone: an excepted rule's result names the exception
    workload.results().stream().filter(r -> r.exception() != null).forEach(r -> rules.add(r.rule()));
    return rules;
  }

  /**
   * The exception that let violations of {@code rule} through in this workload, or null: as the
   * audit recorded it, else as its result names it (then without the reason, which is in the message).
   */
  static ExceptionView exception(WorkloadAudit workload, String rule, Map<String, LocalDate> ends) {
    for (Excepted excepted : workload.excepted()) {
      if (excepted.finding().ruleId().equals(rule)) {
        return view(excepted, ends);
      }
    }
    return workload.results().stream().filter(r -> r.rule().equals(rule) && r.exception() != null).findFirst()
        .map(r -> new ExceptionView(r.exception(), null, end(r.exception(), ends))).orElse(null);
  }

  private static ExceptionView view(Excepted excepted, Map<String, LocalDate> ends) {
    return new ExceptionView(excepted.exception(), excepted.reason(), end(excepted.exception(), ends));
  }

  private static String end(String exception, Map<String, LocalDate> ends) {
    LocalDate end = ends.get(exception);
    return end == null ? null : end.toString();
  }

  private static Totals totals(AuditReport report) {
    long wouldDeny = 0;
    long deniedNow = 0;
    long warned = 0;
    long excepted = 0;
    long errors = 0;
    for (NamespaceAudit namespace : report.namespaces().values()) {
      for (WorkloadAudit workload : namespace.workloads()) {
        wouldDeny += workload.wouldDeny() ? 1 : 0;
        deniedNow += workload.deniedNow() ? 1 : 0;
        warned += !workload.wouldDeny() && workload.results().stream().anyMatch(Result::violation) ? 1 : 0;
        excepted += exceptedRules(workload).isEmpty() ? 0 : 1;
        errors += workload.results().stream().anyMatch(r -> "error".equals(r.result())) ? 1 : 0;
      }
    }
    return new Totals(report.workloads(), report.namespaces().size(), wouldDeny, deniedNow, warned, excepted, errors);
  }

  private static List<MatrixRow> matrix(AuditReport report, List<String> rules) {
    List<MatrixRow> rows = new ArrayList<>();
    for (NamespaceAudit namespace : report.namespaces().values()) {
      Map<String, Integer> violations = namespace.violationsByRule();
      List<Cell> cells = rules.stream().map(rule -> {
        int count = violations.getOrDefault(rule, 0);
        return new Cell(rule, count, count == 0 ? null : Filter.href(namespace.namespace(), rule) + "#workloads");
      }).toList();
      rows.add(new MatrixRow(namespace.namespace(), namespace.mode() == null ? "" : namespace.mode().id(),
          Filter.href(namespace.namespace(), null), namespace.workloads().size(), namespace.wouldDeny(), cells));
    }
    return rows;
  }

  private static List<RuleRow> perRule(AuditReport report, Filter filter) {
    Map<String, Integer> excepted = new HashMap<>();
    report.namespaces().values().forEach(n -> n.workloads().forEach(w -> exceptedRules(w)
        .forEach(rule -> excepted.merge(rule, 1, Integer::sum))));
    List<RuleRow> rows = new ArrayList<>();
    report.byRule().forEach((rule, counts) -> rows.add(new RuleRow(rule, Filter.href(filter.namespace(), rule) + "#workloads", counts.get("pass"), counts.get("fail"),
        counts.get("warn"), counts.get("error"), counts.get("skip"), excepted.getOrDefault(rule, 0))));
    return rows;
  }

  /** The images behind most violating workloads: an image fixed once fixes all of them. */
  private static List<ImageRow> images(List<WorkloadAudit> workloads, Filter filter) {
    Map<String, Set<WorkloadAudit>> byImage = new HashMap<>();
    Map<String, Set<String>> rulesByImage = new HashMap<>();
    for (WorkloadAudit workload : workloads) {
      for (Finding finding : workload.findings()) {
        if (finding.ruleId().equals(PolicyEngine.IMAGE_UNAVAILABLE)
            || filter.rule() != null && !finding.ruleId().equals(filter.rule())) {
          continue;
        }
        byImage.computeIfAbsent(finding.image(), i -> new java.util.HashSet<>()).add(workload);
        rulesByImage.computeIfAbsent(finding.image(), i -> new TreeSet<>()).add(finding.ruleId());
      }
    }
    return byImage.entrySet().stream()
        .sorted(Comparator.comparing((Map.Entry<String, Set<WorkloadAudit>> e) -> -e.getValue().size())
            .thenComparing(Map.Entry::getKey))
        .limit(TOP_IMAGES)
        .map(e -> new ImageRow(e.getKey(), e.getValue().size(), String.join(", ", rulesByImage.get(e.getKey()))))
        .toList();
  }

  private static WorkloadRow row(WorkloadAudit audit, Map<String, LocalDate> ends) {
    var workload = audit.workload();
    List<ContainerRow> containers = new ArrayList<>();
    for (ContainerContext container : workload.containers()) {
      containers.add(new ContainerRow(container.name(), container.image(), container.kind().name().toLowerCase(java.util.Locale.ROOT)));
    }
    Map<String, String> resultByRule = new LinkedHashMap<>();
    audit.results().forEach(r -> resultByRule.put(r.rule(), r.result()));
    List<ViolationRow> violations = new ArrayList<>();
    if (audit.findings().isEmpty() && audit.excepted().isEmpty()) {
      // read from the API, a workload has its results alone: their messages say what was found
      for (Result result : audit.results()) {
        if (result.violation() || "error".equals(result.result()) || result.exception() != null) {
          String[] message = problemAndFix(result.message());
          violations.add(new ViolationRow(result.rule(), result.exception() != null ? EXCEPTED : result.result(),
              result.mode() == null ? "" : result.mode().id(), "", "", message[0], message[1], exception(audit, result.rule(), ends)));
        }
      }
    }
    for (Finding finding : audit.findings()) {
      violations.add(violation(finding, resultByRule.getOrDefault(finding.ruleId(), "error"), null));
    }
    for (Excepted excepted : audit.excepted()) {
      violations.add(violation(excepted.finding(), EXCEPTED, view(excepted, ends)));
    }
    long passed = audit.results().stream().filter(r -> "pass".equals(r.result())).count();
    boolean onlyExcepted = violations.stream().allMatch(v -> v.exception() != null);
    String summary = violations.isEmpty()
        ? "passes every rule (" + passed + ")"
        : audit.wouldDeny() ? (audit.deniedNow() ? "denied now" : "would be denied under enforce") : onlyExcepted ? EXCEPTED : "warned";
    return new WorkloadRow(workload.namespace(), workload.kind(), workload.name(),
        "w-" + workload.namespace() + "-" + workload.kind() + "-" + workload.name(), audit.wouldDeny(), audit.deniedNow(),
        containers, violations, summary);
  }

  private static ViolationRow violation(Finding finding, String result, ExceptionView exception) {
    String[] message = problemAndFix(finding.message());
    return new ViolationRow(finding.ruleId(), result, finding.mode().id(), finding.container(), finding.image(), message[0], message[1],
        exception);
  }

  /** A rule's message is "what is wrong; how to fix it": split at the last "; " when there is one. */
  static String[] problemAndFix(String message) {
    int split = message.lastIndexOf("; ");
    return split < 0 ? new String[] {message, null} : new String[] {message.substring(0, split), message.substring(split + 2)};
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
