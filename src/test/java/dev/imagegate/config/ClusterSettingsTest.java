package dev.imagegate.config;

import dev.imagegate.policy.Modes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The keys of namespace modes, events and the audit; and the mode precedence of the configuration. */
class ClusterSettingsTest {

  @Test
  void defaults() {
    ImagegateConfig config = ConfigLoader.parse("");
    assertThat(config.audit()).isEqualTo(new AuditSettings(false, Duration.ofHours(1), 2, "imagegate-audit"));
    assertThat(config.namespaceModes().enabled()).as("unset: decided by whether imagegate runs in a cluster").isNull();
    assertThat(config.events().enabled()).isNull();
    assertThat(config.events().interval()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void readsEveryKey() {
    ImagegateConfig config = ConfigLoader.parse("""
        namespaceModes:
          enabled: false
        events:
          enabled: true
          interval: 2m
        audit:
          enabled: true
          interval: 30m
          concurrency: 4
          leaseName: imagegate-prod-audit
        """);
    assertThat(config.namespaceModes().enabled()).isFalse();
    assertThat(config.events()).isEqualTo(new EventSettings(true, Duration.ofMinutes(2)));
    assertThat(config.audit()).isEqualTo(new AuditSettings(true, Duration.ofMinutes(30), 4, "imagegate-prod-audit"));
  }

  @Test
  void wrongValuesAreRefusedWithTheKeyNamed() {
    assertThatThrownBy(() -> ConfigLoader.parse("audit:\n  interval: 1s\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("audit.interval");
    assertThatThrownBy(() -> ConfigLoader.parse("audit:\n  concurrency: 0\n")).hasMessageContaining("audit.concurrency");
    assertThatThrownBy(() -> ConfigLoader.parse("audit:\n  leaseName: Not_A_Name\n")).hasMessageContaining("audit.leaseName");
    assertThatThrownBy(() -> ConfigLoader.parse("audit:\n  enabeld: true\n")).hasMessageContaining("enabeld");
    assertThatThrownBy(() -> ConfigLoader.parse("events:\n  interval: 0s\n")).hasMessageContaining("events.interval");
    assertThatThrownBy(() -> ConfigLoader.parse("namespaceModes:\n  enable: true\n")).hasMessageContaining("enable");
    assertThatThrownBy(() -> ConfigLoader.parse("mode: off\n")).hasMessageContaining("namespaces");
    assertThatThrownBy(() -> ConfigLoader.parse("audit:\n  reportFormat: kyverno\n"))
        .hasMessageContaining("audit.reportFormat").hasMessageContaining("\"kyverno\" is not policyreport, openreports or both");
  }

  @Test
  void reportFormatChoosesPolicyReportsOpenReportsOrBoth() {
    assertThat(ConfigLoader.parse("").audit().reportFormat()).isEqualTo(ReportFormat.POLICYREPORT);
    ReportFormat both = ConfigLoader.parse("audit:\n  reportFormat: both\n").audit().reportFormat();
    assertThat(both.policyReports() && both.openReports()).isTrue();
    ReportFormat openReports = ConfigLoader.parse("audit:\n  reportFormat: OpenReports\n").audit().reportFormat();
    assertThat(openReports).isEqualTo(ReportFormat.OPENREPORTS);
    assertThat(openReports.policyReports()).isFalse();
  }

  @Test
  void offOnTheNamespaceThenTheRuleThenTheNamespaceThenTheGlobalMode() {
    ImagegateConfig config = new ImagegateConfig(Mode.WARN,
        Map.of("a", new RuleSettings(Mode.ENFORCE, null, null)), null, null, null);
    assertThat(new Modes(config).rule("a", Mode.OFF)).isEqualTo(Mode.OFF);
    assertThat(new Modes(config).rule("a", Mode.AUDIT)).isEqualTo(Mode.ENFORCE);
    assertThat(new Modes(config).rule("b", Mode.AUDIT)).isEqualTo(Mode.AUDIT);
    assertThat(new Modes(config).rule("b", null)).isEqualTo(Mode.WARN);
    assertThat(new Modes(config).rule("a", null)).isEqualTo(Mode.ENFORCE);
  }
}
