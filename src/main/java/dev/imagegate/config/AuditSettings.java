package dev.imagegate.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Duration;

/**
 * The background audit of every running workload (docs/audit.md).
 *
 * @param enabled judge the cluster's workloads on start and every {@code interval}, write
 *     PolicyReports (lease holder only) and serve {@code GET /audit}; default false
 * @param interval time between two audits; default 1h, at least 10s
 * @param concurrency image resolutions the audit runs at once, so that admissions keep the rest of
 *     the registry pool; default 2, 1 to 8
 * @param leaseName the coordination.k8s.io Lease (in imagegate's own namespace) that elects the
 *     one replica writing reports; default {@code imagegate-audit}
 * @param namespaceSelector only workloads in namespaces whose labels match are judged: the webhook
 *     registration's {@code namespaceSelector}, so that the audit judges what the apiserver sends
 *     (the Helm chart writes the one it registers); default: every namespace
 * @param objectSelector only workloads whose own labels match are judged: the registration's
 *     {@code objectSelector}; default: every workload
 * @param reportFormat the report objects written: PolicyReports, OpenReports Reports or both;
 *     default policyreport
 */
public record AuditSettings(Boolean enabled, Duration interval, Integer concurrency, String leaseName,
    LabelSelector namespaceSelector, LabelSelector objectSelector, ReportFormat reportFormat) {
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(10);

  @JsonCreator
  public AuditSettings {
    enabled = Boolean.TRUE.equals(enabled);
    interval = interval == null ? Duration.ofHours(1) : interval;
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw new ConfigException("audit.interval: " + interval + " is shorter than " + MIN_INTERVAL.toSeconds() + "s");
    }
    concurrency = concurrency == null ? 2 : concurrency;
    if (concurrency < 1 || concurrency > 8) {
      throw new ConfigException("audit.concurrency: " + concurrency + " is not between 1 and 8");
    }
    leaseName = leaseName == null || leaseName.isBlank() ? "imagegate-audit" : leaseName.trim();
    if (!leaseName.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || leaseName.length() > 253) {
      throw new ConfigException("audit.leaseName: \"" + leaseName + "\" is not a Kubernetes object name");
    }
    namespaceSelector = namespaceSelector == null ? LabelSelector.EVERYTHING : namespaceSelector.checked("audit.namespaceSelector");
    objectSelector = objectSelector == null ? LabelSelector.EVERYTHING : objectSelector.checked("audit.objectSelector");
    reportFormat = reportFormat == null ? ReportFormat.POLICYREPORT : reportFormat;
  }

  /** PolicyReports only. */
  public AuditSettings(Boolean enabled, Duration interval, Integer concurrency, String leaseName,
      LabelSelector namespaceSelector, LabelSelector objectSelector) {
    this(enabled, interval, concurrency, leaseName, namespaceSelector, objectSelector, null);
  }

  /** Every workload in every namespace. */
  public AuditSettings(Boolean enabled, Duration interval, Integer concurrency, String leaseName) {
    this(enabled, interval, concurrency, leaseName, null, null, null);
  }

  public static AuditSettings defaults() {
    return new AuditSettings(null, null, null, null);
  }
}
