package dev.imagegate.policy;

/** What one rule concluded about one workload, for reports that list passes as well as violations. */
public enum RuleOutcome {
  /** The rule judged every container it applies to and found nothing. */
  PASSED,
  /** At least one violation. */
  VIOLATED,
  /** Violations, every one let through by an exception. */
  EXCEPTED,
  /** The rule could not judge some container: its image could not be read, or its reference does not parse. */
  NOT_EVALUATED,
  /** The rule judges none of the workload's containers (exemptions). */
  EXEMPT
}
