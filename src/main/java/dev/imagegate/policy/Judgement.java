package dev.imagegate.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verdict on one workload, with what each rule in force concluded.
 *
 * @param verdict the findings, as an admission gets them
 * @param rules rule id → outcome over the workload, for every rule that is not switched off, in
 *     judging order; empty when the namespace's mode is {@code off}
 * @param statuses each rule's status per judged container, as the rule runs stated them
 */
public record Judgement(Verdict verdict, Map<String, RuleOutcome> rules, List<RuleStatus> statuses) {
  static final Judgement OFF = new Judgement(Verdict.CLEAN, Map.of(), List.of());

  public Judgement {
    rules = rules.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    statuses = List.copyOf(statuses);
  }
}
