package dev.imagegate.policy;

import dev.imagegate.config.Mode;
import java.util.List;

/**
 * Everything found in one workload; what it means for the admission follows from the modes.
 *
 * @param stale null, or which images were judged on registry facts that could not be confirmed
 *     just now (their registry was unreachable)
 */
public record Verdict(List<Finding> findings, StaleNotice stale) {
  public static final Verdict CLEAN = new Verdict(List.of());

  public Verdict {
    findings = List.copyOf(findings);
  }

  /** A verdict on confirmed facts. */
  public Verdict(List<Finding> findings) {
    this(findings, null);
  }

  public boolean denied() {
    return findings.stream().anyMatch(f -> f.mode() == Mode.ENFORCE);
  }

  public List<Finding> withMode(Mode mode) {
    return findings.stream().filter(f -> f.mode() == mode).toList();
  }
}
