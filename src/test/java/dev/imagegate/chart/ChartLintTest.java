package dev.imagegate.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code helm lint --strict}: no error and no warning, with the defaults and with other values. */
class ChartLintTest {

  @Test
  void chartIsLintCleanWithItsDefaults() {
    assertClean(HelmChart.lintStrict());
  }

  @Test
  void chartIsLintCleanWithEveryOptionOn(@TempDir Path work) {
    assertClean(HelmChart.lintStrict(ChartAllOptionsTest.ALL_OPTIONS, work));
  }

  /** Values that take the other branches of the templates and of NOTES.txt. */
  static Stream<Arguments> overlays() {
    return Stream.of(
        Arguments.of("audit, one replica, no RBAC", """
            mode: audit
            replicaCount: 1
            namespaceModes: {enabled: false}
            events: {enabled: false}
            podAntiAffinity: none
            topologySpread: {enabled: false}
            """),
        Arguments.of("warn, certificate from an existing Secret", """
            mode: warn
            webhook: {failurePolicy: Ignore}
            tls:
              existingSecret: my-cert
              caBundle: |
                -----BEGIN CERTIFICATE-----
                MIIBszCCAVmgAwIBAgIUQ0E=
                -----END CERTIFICATE-----
            """),
        Arguments.of("cert-manager with its own CA, audit on", """
            certManager: {enabled: true}
            audit: {enabled: true}
            serviceMonitor: {enabled: true}
            """),
        Arguments.of("staged install: the audit alone, no webhook registration", """
            webhook: {enabled: false}
            audit: {enabled: true}
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void chartIsLintCleanWith(String name, String values, @TempDir Path work) throws Exception {
    Path file = work.resolve("overlay.yaml");
    Files.writeString(file, values);
    Path chart = Files.createDirectories(work.resolve("chart"));
    assertClean(HelmChart.lintStrict(file, chart));
  }

  static void assertClean(LintResult result) {
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(result.getMessages()).as("only informational messages")
        .allSatisfy(message -> assertThat(message).startsWith("[INFO]"));
  }
}
