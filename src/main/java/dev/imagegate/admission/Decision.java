package dev.imagegate.admission;

import dev.imagegate.policy.Verdict;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;

/**
 * What was decided about one admission request, with what the decision log and metrics need.
 *
 * @param response the response for the apiserver
 * @param verdict the findings; {@link Verdict#CLEAN} when nothing was judged
 * @param skipped why nothing was judged (e.g. "operation DELETE"), or null when the workload was judged
 */
record Decision(AdmissionResponse response, Verdict verdict, String skipped) {

  static Decision skip(AdmissionResponse response, String why) {
    return new Decision(response, Verdict.CLEAN, why);
  }

  /** {@code denied}, {@code warned} (allowed with warnings) or {@code allowed}. */
  String outcome() {
    if (!Boolean.TRUE.equals(response.getAllowed())) {
      return "denied";
    }
    return response.getWarnings() == null || response.getWarnings().isEmpty() ? "allowed" : "warned";
  }
}
