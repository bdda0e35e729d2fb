package dev.imagegate.audit;

/**
 * Where the audit stands on this replica, as every view of {@code /audit} (JSON, page, CSV) says
 * it first: never an empty report that would read as a clean cluster.
 *
 * @param enabled {@code audit.enabled}
 * @param state off, failed, standby, pending, running or complete
 * @param message why there is no report here and what to do, or null when there is one; on a
 *     replica without the lease, who audits (also when the holder's reports are shown)
 * @param status the auditor's status, or null when the audit is off or did not start
 * @param fromApi on a replica without the lease: the holder's reports as read from the API, or null
 *     when not read
 */
record AuditState(boolean enabled, String state, String message, Auditor.Status status, ReportsFromApi.Read fromApi) {
  static final String HOW_TO_ENABLE = "set audit.enabled: true in imagegate's configuration "
      + "(Helm: --set audit.enabled=true), see docs/audit.md";

  AuditState(boolean enabled, String state, String message, Auditor.Status status) {
    this(enabled, state, message, status, null);
  }

  /** @param namespace on a replica without the lease, only this namespace's report is read, or null for all */
  static AuditState of(AuditService service, String namespace) {
    return service.auditor().map(auditor -> auditor.state(namespace)).orElseGet(() -> service.startError() != null
        ? new AuditState(true, "failed", "the audit could not start: " + service.startError(), null)
        : new AuditState(false, "off", "the background audit is off: " + HOW_TO_ENABLE, null));
  }

  static AuditState of(Auditor.Status status) {
    return of(status, null);
  }

  /** @param fromApi on a replica without the lease: the holder's reports read from the API, or null */
  static AuditState of(Auditor.Status status, ReportsFromApi.Read fromApi) {
    if (!status.leading()) {
      // only the lease holder audits: say who does
      boolean readBack = fromApi != null && fromApi.report() != null;
      PolicyReportWriter.ReportKind reports = status.reportKind();
      return new AuditState(true, "standby", status.holder() == null
          ? "no replica holds the audit lease yet; the holder audits and writes the " + reports.shownAs()
          : "this replica does not hold the audit lease: " + status.holder() + " audits; its results are in the "
              + reports.shownAs() + " (" + reports.kubectlGet() + ") and in GET /audit on that replica"
              + (readBack ? "; below: those reports as read from the API" : ""), status, fromApi);
    }
    if (status.report() != null) {
      return new AuditState(true, status.running() ? "running" : "complete", null, status);
    }
    if (status.running()) {
      return new AuditState(true, "running", "the first audit is running; this page shows it once it is done", status);
    }
    return status.lastError() == null
        ? new AuditState(true, "pending", "the first audit has not run yet; it starts once the workloads are listed", status)
        : new AuditState(true, "failed", "no audit yet: " + status.lastError(), status);
  }

  /** Whether the report shown is the holder's, read from the API (this replica does not hold the lease). */
  boolean readFromApi() {
    return status != null && !status.leading() && fromApi != null && fromApi.report() != null;
  }

  /** Why the holder's reports could not be read on a replica without the lease, or null. */
  String apiError() {
    return status == null || status.leading() || fromApi == null ? null : fromApi.error();
  }

  /** The message, with why the holder's reports could not be read when that is so. */
  String notice() {
    return apiError() == null ? message : message + " (" + apiError() + ")";
  }

  /** The report to show: this replica's latest audit when it holds the lease, else the holder's read from the API. */
  AuditReport report() {
    if (status == null) {
      return null;
    }
    return status.leading() ? status.report() : readFromApi() ? fromApi.report() : null;
  }
}
