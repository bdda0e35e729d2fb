package dev.imagegate.policy;

import dev.imagegate.config.Mode;
import java.util.List;

/**
 * Everything found in one workload; what it means for the admission follows from the modes.
 *
 * @param findings the violations that count: each denies, warns or is recorded as its mode says
 * @param stale null, or which images were judged on registry facts that could not be confirmed
 *     just now (their registry was unreachable)
 * @param excepted the violations exceptions let through: neither denial nor warning
 * @param notices for the people admitting it: exceptions ending soon, exception annotations ignored
 */
public record Verdict(List<Finding> findings, StaleNotice stale, List<Excepted> excepted, List<String> notices) {
  public static final Verdict CLEAN = new Verdict(List.of());

  public Verdict {
    findings = List.copyOf(findings);
    excepted = excepted == null ? List.of() : List.copyOf(excepted);
    notices = notices == null ? List.of() : List.copyOf(notices);
  }

  /** A verdict with no exception involved. */
  public Verdict(List<Finding> findings, StaleNotice stale) {
    this(findings, stale, null, null);
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
