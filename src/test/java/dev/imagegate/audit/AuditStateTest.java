package dev.imagegate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.audit.PolicyReportWriter.ReportKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuditStateTest {
  private static Auditor.Status standby(String holder, ReportKind kind) {
    return new Auditor.Status(null, false, null, null, false, holder, "imagegate-5f6b-k4", Duration.ofHours(1), kind);
  }

  @Test
  void aStandbyReplicaSaysWhereTheHoldersPolicyReportsAre() {
    AuditState state = AuditState.of(standby("imagegate-7d9c-x2", ReportKind.POLICY_REPORT));

    assertThat(state.state()).isEqualTo("standby");
    assertThat(state.message()).contains("imagegate-7d9c-x2 audits").contains("PolicyReports (kubectl get policyreports -A)");
  }

  @Test
  void withOpenReportsItNamesThoseAndTheCommandThatListsThem() {
    AuditState state = AuditState.of(standby("imagegate-7d9c-x2", ReportKind.OPEN_REPORT));

    assertThat(state.message()).contains("Reports (openreports.io) (kubectl get reports.openreports.io -A)")
        .doesNotContain("policyreports");
    assertThat(AuditState.of(standby(null, ReportKind.OPEN_REPORT)).message())
        .isEqualTo("no replica holds the audit lease yet; the holder audits and writes the Reports (openreports.io)");
  }
}
