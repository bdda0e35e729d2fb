package dev.imagegate.admission;

import dev.imagegate.config.Mode;
import dev.imagegate.policy.Excepted;
import dev.imagegate.policy.Finding;
import dev.imagegate.policy.StaleNotice;
import dev.imagegate.policy.Verdict;
import dev.imagegate.text.ExternalText;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a verdict into the AdmissionResponse the apiserver expects, within the apiserver's limits. */
final class AdmissionResponses {
  /** kubectl shows warnings one per line; the apiserver truncates long ones. */
  static final int WARNING_MAX_CHARS = 120;
  /** The apiserver drops warnings past 4 KiB in total; stay clear of it. */
  static final int WARNINGS_MAX_TOTAL = 3_800;
  /** A denial message long enough for hundreds of violations, short enough for an event or a terminal. */
  static final int MESSAGE_MAX_CHARS = 12_000;
  static final int AUDIT_VALUE_MAX_CHARS = 2_000;
  private static final String PREFIX = "imagegate: ";

  private AdmissionResponses() {}

  static AdmissionResponse allow(String uid) {
    return new AdmissionResponseBuilder().withUid(uid).withAllowed(true).build();
  }

  static AdmissionResponse allowWithWarning(String uid, String warning) {
    return new AdmissionResponseBuilder().withUid(uid).withAllowed(true)
        .withWarnings(List.of(ExternalText.forApiserver("imagegate: " + warning, WARNING_MAX_CHARS))).build();
  }

  static AdmissionResponse deny(String uid, String message) {
    return new AdmissionResponseBuilder().withUid(uid).withAllowed(false)
        .withStatus(new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(ExternalText.forApiserver(message)).build())
        .build();
  }

  static AdmissionResponse of(String uid, Verdict verdict) {
    AdmissionResponseBuilder response = new AdmissionResponseBuilder().withUid(uid).withAllowed(!verdict.denied());
    if (verdict.denied()) {
      response.withStatus(new StatusBuilder().withCode(403).withReason("Forbidden")
          .withMessage(denialMessage(verdict.withMode(Mode.ENFORCE))).build());
    }
    List<String> warnings = warnings(verdict.withMode(Mode.WARN), verdict.stale(), verdict.notices());
    if (!warnings.isEmpty()) {
      response.withWarnings(warnings);
    }
    if (!verdict.findings().isEmpty() || !verdict.excepted().isEmpty()) {
      response.withAuditAnnotations(auditAnnotations(verdict));
    }
    return response.build();
  }

  private static String denialMessage(List<Finding> enforced) {
    StringBuilder message = new StringBuilder("imagegate: ").append(enforced.size())
        .append(enforced.size() == 1 ? " violation" : " violations");
    for (int i = 0; i < enforced.size(); i++) {
      String line = ExternalText.forApiserver(enforced.get(i).describe());
      if (message.length() + line.length() + 1 > MESSAGE_MAX_CHARS) {
        message.append("\n… and ").append(enforced.size() - i).append(" more");
        break;
      }
      message.append('\n').append(line);
    }
    return message.toString();
  }

  /**
   * The warned findings, one line each; first, when some facts could not be confirmed, one line
   * for the whole request naming each unreachable registry once, then the verdict's notices
   * (exceptions ending soon, exception annotations ignored).
   */
  private static List<String> warnings(List<Finding> warned, StaleNotice stale, List<String> notices) {
    List<String> warnings = new ArrayList<>();
    int total = 0;
    if (stale != null) {
      String notice = ExternalText.forApiserver(PREFIX + stale.describe(WARNING_MAX_CHARS - PREFIX.length()), WARNING_MAX_CHARS);
      warnings.add(notice);
      total += notice.length();
    }
    for (String notice : notices) {
      String warning = ExternalText.forApiserver(PREFIX + notice, WARNING_MAX_CHARS);
      warnings.add(warning);
      total += warning.length();
    }
    for (int i = 0; i < warned.size(); i++) {
      Finding f = warned.get(i);
      String warning = ExternalText.forApiserver("[" + f.ruleId() + "] container \"" + f.container() + "\": " + f.message(),
          WARNING_MAX_CHARS);
      if (total + warning.length() > WARNINGS_MAX_TOTAL - 80) {
        warnings.add("imagegate: " + (warned.size() - i) + " more warnings not shown; see the audit annotations");
        break;
      }
      warnings.add(warning);
      total += warning.length();
    }
    return warnings;
  }

  /**
   * One annotation per rule (keys without '/': the apiserver prefixes the webhook name): each
   * finding with its mode, each excepted violation with the exception's name and reason.
   */
  private static Map<String, String> auditAnnotations(Verdict verdict) {
    Map<String, StringBuilder> byRule = new LinkedHashMap<>();
    for (Finding f : verdict.findings()) {
      annotate(byRule, f, f.mode().id());
    }
    for (Excepted e : verdict.excepted()) {
      annotate(byRule, e.finding(), "excepted by \"" + e.exception() + "\": " + e.reason());
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    byRule.forEach((rule, value) -> annotations.put(rule, value.toString()));
    return annotations;
  }

  private static void annotate(Map<String, StringBuilder> byRule, Finding f, String status) {
    StringBuilder value = byRule.computeIfAbsent(f.ruleId(), id -> new StringBuilder());
    String entry = "container \"" + f.container() + "\" (" + f.image() + ") [" + status + "]: " + f.message();
    if (value.length() + entry.length() + 2 <= AUDIT_VALUE_MAX_CHARS) {
      value.append(value.length() == 0 ? "" : "; ").append(ExternalText.forApiserver(entry));
    }
  }
}
