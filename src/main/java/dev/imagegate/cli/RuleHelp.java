package dev.imagegate.cli;

import dev.imagegate.policy.PolicyEngine;
import java.util.Locale;
import java.util.Map;

/**
 * One sentence per rule id for reports that describe their rules (SARIF), with a link to the
 * section of the documentation that explains it: a rule's own heading in docs/rules.md, the
 * pseudo-rules' shared one, docs/cli.md's for a document that could not be read. The anchor is
 * derived from the heading as GitHub derives it, so a link lands on the heading it names.
 */
final class RuleHelp {
  static final String REPOSITORY = "https://github.com/imagegate/imagegate";
  /** Not a rule of the engine: a document that could not be read. */
  static final String INPUT_ERROR = "input-error";

  /** Where a rule is explained: a file under docs/ and the text of its heading. */
  record Section(String doc, String heading) {}

  private static final Section PSEUDO_RULES = new Section("rules.md", "Pseudo-rules and limits");
  private static final Map<String, Section> SECTIONS = Map.of(
      PolicyEngine.IMAGE_REFERENCE, PSEUDO_RULES,
      PolicyEngine.IMAGE_UNAVAILABLE, PSEUDO_RULES,
      INPUT_ERROR, new Section("cli.md", "What is read"));

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
      Map.entry(PolicyEngine.IMAGE_UNAVAILABLE, "The image could be read from its registry (registries.onError decides what a failure does)."),
      Map.entry(INPUT_ERROR, "The manifest can be read as Kubernetes YAML or JSON."));

  private RuleHelp() {}

  static String summary(String ruleId) {
    return SUMMARIES.getOrDefault(ruleId, "imagegate rule " + ruleId + ".");
  }

  /** The section explaining {@code ruleId}: a rule's heading in docs/rules.md is its id. */
  static Section section(String ruleId) {
    return SECTIONS.getOrDefault(ruleId, new Section("rules.md", ruleId));
  }

  static String link(String ruleId) {
    Section section = section(ruleId);
    return REPOSITORY + "/blob/main/docs/" + section.doc() + "#" + anchor(section.heading());
  }

  /**
   * A heading's anchor as GitHub renders it: lower case, punctuation other than {@code -} and
   * {@code _} dropped, each space a {@code -} ({@code Pseudo-rules and limits} →
   * {@code pseudo-rules-and-limits}). Headings repeated in one file get {@code -1}, {@code -2}…
   * there; rule ids are unique headings.
   */
  static String anchor(String heading) {
    return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "").replace(' ', '-');
  }
}
