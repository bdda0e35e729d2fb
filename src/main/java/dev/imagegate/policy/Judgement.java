package dev.imagegate.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A verdict with, for each rule in force, what it concluded ({@link PolicyEngine#judgeAll}).
 *
 * @param verdict the findings, as an admission would get them
 * @param rules rule id → outcome, for every rule that is not switched off; empty when the
 *     namespace's mode is {@code off}
 */
public record Judgement(Verdict verdict, Map<String, RuleOutcome> rules) {
  public Judgement {
    rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules)); // in rule order
  }
}
