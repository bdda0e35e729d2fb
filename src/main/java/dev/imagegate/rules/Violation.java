package dev.imagegate.rules;

/**
 * One broken practice.
 *
 * @param ruleId the rule's id
 * @param message what is wrong and how to fix it; never contains a secret value
 */
public record Violation(String ruleId, String message) {}
