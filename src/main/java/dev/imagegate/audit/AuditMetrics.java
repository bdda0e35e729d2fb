package dev.imagegate.audit;

import dev.imagegate.audit.AuditReport.NamespaceAudit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gauges of the latest audit. Namespace labels are bounded by the cluster's namespaces; no label
 * carries an image, a workload or a message. Rows of namespaces and rules that disappeared are
 * removed at the next audit.
 */
final class AuditMetrics {
  private final MeterRegistry registry;
  private final MultiGauge violations;
  private final MultiGauge results;
  private final MultiGauge wouldDeny;
  private final MultiGauge workloads;
  private final AtomicReference<double[]> lastRun = new AtomicReference<>(new double[] {Double.NaN, Double.NaN});

  AuditMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.violations = MultiGauge.builder("imagegate.audit.violations")
        .description("Workloads violating a rule at the latest audit (PolicyReport results fail or warn), by namespace and rule")
        .register(registry);
    this.results = MultiGauge.builder("imagegate.audit.results")
        .description("PolicyReport results of the latest audit, by namespace and result").register(registry);
    this.wouldDeny = MultiGauge.builder("imagegate.audit.would.deny")
        .description("Workloads an admission would deny once their namespace is enforced, at the latest audit")
        .register(registry);
    this.workloads = MultiGauge.builder("imagegate.audit.workloads")
        .description("Workloads judged at the latest audit, by namespace").register(registry);
    // one audit per registry: gauges an earlier audit left there (an application restarted in the same
    // JVM, as in tests) would hold that one's state, weakly, and show nothing once it is collected
    for (String name : List.of("imagegate.audit.duration", "imagegate.audit.last.run.timestamp")) {
      registry.find(name).meters().forEach(registry::remove);
    }
    Gauge.builder("imagegate.audit.duration", lastRun, r -> r.get()[0]).baseUnit("seconds")
        .description("Duration of the latest complete audit").register(registry);
    Gauge.builder("imagegate.audit.last.run.timestamp", lastRun, r -> r.get()[1]).baseUnit("seconds")
        .description("When the latest complete audit finished (Unix time)").register(registry);
  }

  void record(AuditReport report) {
    List<MultiGauge.Row<?>> violationRows = new ArrayList<>();
    List<MultiGauge.Row<?>> resultRows = new ArrayList<>();
    List<MultiGauge.Row<?>> denyRows = new ArrayList<>();
    List<MultiGauge.Row<?>> workloadRows = new ArrayList<>();
    for (NamespaceAudit namespace : report.namespaces().values()) {
      String ns = namespace.namespace();
      var violated = namespace.violationsByRule();
      namespace.byRule().keySet().forEach(rule -> violationRows.add(
          MultiGauge.Row.of(Tags.of("namespace", ns, "rule", rule), violated.getOrDefault(rule, 0))));
      namespace.summary().forEach((result, count) ->
          resultRows.add(MultiGauge.Row.of(Tags.of("namespace", ns, "result", result), count)));
      denyRows.add(MultiGauge.Row.of(Tags.of("namespace", ns), namespace.wouldDeny()));
      workloadRows.add(MultiGauge.Row.of(Tags.of("namespace", ns), namespace.workloads().size()));
    }
    violations.register(violationRows, true);
    results.register(resultRows, true);
    wouldDeny.register(denyRows, true);
    workloads.register(workloadRows, true);
    lastRun.set(new double[] {report.duration().toMillis() / 1000.0, report.finished().toEpochMilli() / 1000.0});
    run("complete");
  }

  void run(String outcome) {
    Counter.builder("imagegate.audit.runs").description("Audits started, by outcome").tag("outcome", outcome)
        .register(registry).increment();
  }

  /** An informer event: kind (Deployment, Pod…, Namespace) and type (add, update, delete). */
  void event(String kind, String type) {
    Counter.builder("imagegate.audit.informer.events").description("Watch events the audit's informers received, by kind and type")
        .tags("kind", kind, "type", type).register(registry).increment();
  }

  /** Workloads judged: pass full (every workload, every audit.interval) or changed (only those that changed). */
  void judged(String pass, int workloads) {
    Counter.builder("imagegate.audit.judged").description("Workloads judged by the audit, by pass (full or changed)")
        .tag("pass", pass).register(registry).increment(workloads);
  }

  /** A report write round: format (policyreport, openreports) and outcome (written, crd_missing…). */
  void reports(String format, String state) {
    Counter.builder("imagegate.audit.report.writes").description("Report write rounds, by report format and outcome")
        .tags("format", format, "outcome", state).register(registry).increment();
  }
}
