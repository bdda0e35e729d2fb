package dev.imagegate.rules;

import dev.imagegate.image.history.HistoryStep;
import dev.imagegate.rules.secrets.SecretPattern;
import dev.imagegate.text.ExternalText;

/**
 * How a finding names a history step: where it is, and its instruction shortened to
 * {@value #MAX_SHOWN} printable characters. Never a value: build arguments ({@code |2 A=1 B=2}) are
 * not shown, ENV/ARG/LABEL show their names only, and an instruction holding a credential format is
 * withheld whole.
 */
final class StepText {
  /** The longest instruction a finding quotes. */
  static final int MAX_SHOWN = 80;

  private StepText() {}

  /** {@code what in step 7; fix: "RUN apt-get …"}, or {@code … in a base-image step (step 3) …} when known. */
  static Violation violation(String ruleId, String what, String fix, HistoryStep step) {
    return new Violation(ruleId, what + " " + where(step) + "; " + fix + ": \"" + shown(step) + "\"");
  }

  /** {@code in step 7}, or {@code in a base-image step (step 3)}: whose Dockerfile to fix. */
  static String where(HistoryStep step) {
    return step.inBaseImage() ? "in a base-image step (step " + step.number() + ")" : "in step " + step.number();
  }

  /** The instruction, at most {@value #MAX_SHOWN} printable characters. */
  static String shown(HistoryStep step) {
    String text = step.instruction().shown();
    return SecretPattern.firstIn(text)
        .map(pattern -> step.instruction().keyword() + " (withheld: it holds " + pattern.description() + ")")
        .orElseGet(() -> ExternalText.historyStep(text, MAX_SHOWN));
  }
}
