package dev.imagegate.cli;

import dev.imagegate.policy.PolicyEngine;
import java.util.Map;

/** One sentence per rule id for reports that describe their rules (SARIF), with a link to its section of docs/rules.md. */
final class RuleHelp {
  static final String DOCS = "https://github.com/imagegate/imagegate/blob/main/docs/rules.md";

  private static final Map<String, String> SUMMARIES = Map.of(
      "disallow-latest-tag", "The image is pinned: a version tag or a digest, never :latest or no tag.",
      "run-as-non-root", "The container does not run as root: the image's USER or the pod's runAsUser is a non-zero user.",
      "no-secrets-in-env", "No secret in the image's env, its build history or the pod spec's literal env values.",
      "require-healthcheck", "The image declares a HEALTHCHECK, or the container has a liveness, readiness or startup probe.",
      PolicyEngine.IMAGE_REFERENCE, "The image reference is one the container runtime accepts.",
      PolicyEngine.IMAGE_UNAVAILABLE, "The image could be read from its registry (registries.onError decides what a failure does).");

  private RuleHelp() {}

  static String summary(String ruleId) {
    return SUMMARIES.getOrDefault(ruleId, "imagegate rule " + ruleId + ".");
  }

  static String link(String ruleId) {
    return DOCS + "#" + ruleId;
  }
}
