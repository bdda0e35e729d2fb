package dev.imagegate.policy;

import dev.imagegate.config.Mode;
import java.util.List;

/** Everything found in one workload; what it means for the admission follows from the modes. */
public record Verdict(List<Finding> findings) {
  public static final Verdict CLEAN = new Verdict(List.of());

  public Verdict {
    findings = List.copyOf(findings);
  }

  public boolean denied() {
    return findings.stream().anyMatch(f -> f.mode() == Mode.ENFORCE);
  }

  public List<Finding> withMode(Mode mode) {
    return findings.stream().filter(f -> f.mode() == mode).toList();
  }
}
