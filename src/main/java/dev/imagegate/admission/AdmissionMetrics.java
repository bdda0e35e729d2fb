package dev.imagegate.admission;

import dev.imagegate.policy.Excepted;
import dev.imagegate.policy.Finding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Admission metrics. Labels are low-cardinality on purpose: decision, kind, rule, mode and the
 * configured exceptions' names, never an image, a namespace or a message.
 */
@ApplicationScoped
public class AdmissionMetrics {
  private final MeterRegistry registry;
  private final Timer latency;
  /** Meters by tag values, registered once: a builder and a registry look-up per request cost more than the count. */
  private final Map<String, Map<String, Counter>> admissions = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Counter>> violations = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Counter>> excepted = new ConcurrentHashMap<>();
  private final Counter rejected;

  public AdmissionMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.latency = Timer.builder("imagegate.admission.duration")
        .description("Time from receiving an AdmissionReview to answering it")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
    this.rejected = Counter.builder("imagegate.admissions.rejected").description("Request bodies refused with 400")
        .register(registry);
  }

  void record(String kind, Decision decision, long nanos) {
    latency.record(nanos, TimeUnit.NANOSECONDS);
    String k = kind == null ? "unknown" : kind;
    admissions.computeIfAbsent(decision.outcome(), d -> new ConcurrentHashMap<>())
        .computeIfAbsent(k, x -> Counter.builder("imagegate.admissions").description("Admission reviews answered, by decision")
            .tag("decision", decision.outcome()).tag("kind", x).register(registry))
        .increment();
    for (Finding f : decision.verdict().findings()) {
      violations.computeIfAbsent(f.ruleId(), r -> new ConcurrentHashMap<>())
          .computeIfAbsent(f.mode().id(), m -> Counter.builder("imagegate.violations")
              .description("Violations found at admission, by rule and mode")
              .tag("rule", f.ruleId()).tag("mode", m).register(registry))
          .increment();
    }
    Set<String> counted = decision.verdict().excepted().isEmpty() ? Set.of() : new HashSet<>();
    for (Excepted e : decision.verdict().excepted()) {
      if (!counted.add(e.exception() + '\n' + e.finding().ruleId())) {
        continue; // once per exception and rule per admission, however many containers it covered
      }
      excepted.computeIfAbsent(e.exception(), x -> new ConcurrentHashMap<>())
          .computeIfAbsent(e.finding().ruleId(), r -> Counter.builder("imagegate.exceptions.applied")
              .description("Admissions in which an exception let a rule's violations through, by exception and rule")
              .tag("exception", e.exception()).tag("rule", r).register(registry))
          .increment();
    }
  }

  void rejected() {
    rejected.increment();
  }
}
