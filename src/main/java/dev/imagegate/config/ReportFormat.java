package dev.imagegate.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Which report objects the audit writes (docs/audit.md): {@code wgpolicyk8s.io/v1alpha2}
 * PolicyReports, {@code openreports.io/v1alpha1} Reports (the format Kyverno and Kubewarden moved
 * to), or both, with the same content.
 */
public enum ReportFormat {
  POLICYREPORT,
  OPENREPORTS,
  BOTH;

  @JsonCreator
  public static ReportFormat of(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("audit.reportFormat: \"" + value + "\" is not policyreport, openreports or both");
    }
  }

  public boolean policyReports() {
    return this != OPENREPORTS;
  }

  public boolean openReports() {
    return this != POLICYREPORT;
  }

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
