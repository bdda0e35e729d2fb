package dev.imagegate.cli;

import dev.imagegate.policy.PolicyEngine;
import java.util.Map;

/** One sentence per rule id for reports that describe their rules (SARIF), with a link to its section of docs/rules.md. */
final class RuleHelp {
  static final String DOCS = "https://github.com/imagegate/imagegate/blob/main/docs/rules.md";

  private static final Map<String, String> SUMMARIES = Map.ofEntries(
      Map.entry("disallow-latest-tag", "The image is pinned: a version tag or a digest, never :latest or no tag."),
      Map.entry("run-as-non-root", "The container does not run as root: the image's USER or the pod's runAsUser is a non-zero user."),
      Map.entry("no-secrets-in-env", "No secret in the image's env, its build history or the pod spec's literal env values."),
      Map.entry("require-healthcheck", "The image declares a HEALTHCHECK, or the container has a liveness, readiness or startup probe."),
      Map.entry("no-sudo", "No step of the image's history installs or runs sudo."),
      Map.entry("no-ssh-port", "The image does not expose the SSH port (22/tcp)."),
      Map.entry("no-remote-add", "No step of the image's history ADDs from an http(s) URL."),
      Map.entry("no-build-tools", "The final image keeps no compiler toolchain (gcc, make, *-dev headers…): build in a separate stage."),
      Map.entry("apt-lists-cleaned", "Each step that installs packages cleans the package manager's cache in the same step."),
      Map.entry("image-size", "The image's compressed size (its layers in the manifest) is at most rules.image-size.maxCompressedSize."),
      Map.entry("python-unbuffered", "A Python image runs with PYTHONUNBUFFERED set, in the image or the container's env."),
      Map.entry(PolicyEngine.IMAGE_REFERENCE, "The image reference is one the container runtime accepts."),
      Map.entry(PolicyEngine.IMAGE_UNAVAILABLE, "The image could be read from its registry (registries.onError decides what a failure does)."));

  private RuleHelp() {}

  static String summary(String ruleId) {
    return SUMMARIES.getOrDefault(ruleId, "imagegate rule " + ruleId + ".");
  }

  static String link(String ruleId) {
    return DOCS + "#" + ruleId;
  }
}
