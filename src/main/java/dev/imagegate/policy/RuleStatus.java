package dev.imagegate.policy;

/**
 * What one rule concluded about one container, as its run stated it.
 *
 * @param ruleId the rule
 * @param container the container's name
 * @param outcome passed, violated, excepted, not evaluated, or exempt
 * @param reason why the rule could not judge the container ({@code NOT_EVALUATED}), does not
 *     apply to it ({@code EXEMPT}) or lets its violations through ({@code EXCEPTED}: the
 *     exception's name and reason); null otherwise
 */
public record RuleStatus(String ruleId, String container, RuleOutcome outcome, String reason) {}
