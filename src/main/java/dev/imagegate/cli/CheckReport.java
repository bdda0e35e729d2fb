package dev.imagegate.cli;

import dev.imagegate.cli.ManifestReader.InputError;
import dev.imagegate.cli.ManifestReader.Skipped;
import dev.imagegate.config.Mode;
import dev.imagegate.policy.Excepted;
import dev.imagegate.policy.Finding;
import dev.imagegate.policy.RuleOutcome;
import dev.imagegate.workload.Workload;
import java.util.List;
import java.util.Map;

/**
 * What {@code imagegate check} found: one result per workload judged, the documents that hold no
 * workload, the documents that could not be read. Every format is written from this alone.
 *
 * @param offline judged with {@code --offline}: rules that need the image config were not evaluated
 */
record CheckReport(List<Result> results, List<Skipped> skipped, List<InputError> errors, boolean offline) {
  CheckReport {
    results = List.copyOf(results);
    skipped = List.copyOf(skipped);
    errors = List.copyOf(errors);
  }

  /** What an admission of the workload would do. */
  enum Outcome {
    DENY, WARN, PASS, SKIP;

    String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One workload.
   *
   * @param source the file it was read from, {@code -} for standard input, {@code --image} for an image given alone
   * @param line the line its object starts on (0: none)
   * @param imageLines container name → line of its {@code image:}
   * @param findings as an admission would get them (with {@code --offline}, without the images not read)
   * @param excepted the violations exceptions let through: they neither deny nor warn
   * @param notices about exceptions: ending soon, annotations ignored
   * @param rules rule id → what it concluded
   * @param skipReason why it was not judged (exempt namespace, mirror pod), or null
   */
  record Result(String source, int line, Workload workload, Map<String, Integer> imageLines, List<Finding> findings,
      List<Excepted> excepted, List<String> notices, Map<String, RuleOutcome> rules, String skipReason) {
    Result {
      findings = List.copyOf(findings);
      excepted = List.copyOf(excepted);
      notices = List.copyOf(notices);
      rules = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rules)); // in rule order
      imageLines = Map.copyOf(imageLines);
    }

    Outcome outcome() {
      if (skipReason != null) {
        return Outcome.SKIP;
      }
      if (findings.stream().anyMatch(f -> f.mode() == Mode.ENFORCE)) {
        return Outcome.DENY;
      }
      return findings.stream().anyMatch(f -> f.mode() == Mode.WARN) ? Outcome.WARN : Outcome.PASS;
    }

    /** The line of a container's image, else of the object. */
    int lineOf(String container) {
      return imageLines.getOrDefault(container, line);
    }

    /** {@code Deployment default/web}; names from the input without control characters (a terminal would obey them). */
    String title() {
      Workload w = workload;
      return dev.imagegate.text.ExternalText.forApiserver(w.kind() + " " + (w.namespace() == null ? "" : w.namespace() + "/") + (w.name() != null ? w.name()
          : w.generateName() != null ? w.generateName() + "*" : "<no name>"));
    }
  }

  long count(Outcome outcome) {
    return results.stream().filter(r -> r.outcome() == outcome).count();
  }

  /** Violations let through by exceptions, over every workload. */
  long excepted() {
    return results.stream().mapToLong(r -> r.excepted().size()).sum();
  }

  long judged() {
    return results.stream().filter(r -> r.outcome() != Outcome.SKIP).count();
  }

  /** {@code 3 workloads, 2 would be denied, 1 warned}, and what else happened (violations excepted, exempt…). */
  String summary() {
    StringBuilder s = new StringBuilder();
    long judged = judged();
    s.append(judged).append(judged == 1 ? " workload, " : " workloads, ")
        .append(count(Outcome.DENY)).append(" would be denied, ")
        .append(count(Outcome.WARN)).append(" warned");
    long excepted = excepted();
    if (excepted > 0) {
      s.append(", ").append(excepted).append(excepted == 1 ? " violation" : " violations").append(" excepted");
    }
    long exempt = count(Outcome.SKIP);
    if (exempt > 0) {
      s.append(", ").append(exempt).append(" not judged (exempt)");
    }
    if (!skipped.isEmpty()) {
      s.append(", ").append(skipped.size()).append(skipped.size() == 1 ? " other document" : " other documents").append(" skipped");
    }
    if (!errors.isEmpty()) {
      s.append(", ").append(errors.size()).append(errors.size() == 1 ? " input error" : " input errors");
    }
    if (offline) {
      s.append(" (offline: image config not read)");
    }
    return s.toString();
  }

  /** 0, 1 or 2 as docs/cli.md says. */
  int exitCode(CheckOptions.FailOn failOn) {
    if (!errors.isEmpty()) {
      return 2;
    }
    return switch (failOn) {
      case never -> 0;
      case enforce -> count(Outcome.DENY) > 0 ? 1 : 0;
      case warn -> count(Outcome.DENY) + count(Outcome.WARN) > 0 ? 1 : 0;
    };
  }
}
