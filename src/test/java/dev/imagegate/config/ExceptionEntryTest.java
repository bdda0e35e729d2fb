package dev.imagegate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code exceptions} and {@code exceptionsFromAnnotations} as the file writes them, and every way an entry is refused. */
class ExceptionEntryTest {
  private static final String ISSUE_EXAMPLE = """
      exceptions:
        - name: vendor-db-root
          rules: [run-as-non-root]          # or ["*"]
          namespaces: [payments]
          workloads: [StatefulSet/vendor-db, "Deployment/legacy-*"]
          selector: {matchLabels: {team: billing}}
          containers: [db]
          images: ["registry.example.com/vendor/db:*"]
          reason: "vendor image runs as root; ticket OPS-1234"
          expires: 2027-03-31
      exceptionsFromAnnotations:
        namespaces: ["team-*"]
      """;

  @Test
  void theIssuesExampleReadsIntoEveryField() {
    ImagegateConfig config = ConfigLoader.parse(ISSUE_EXAMPLE);
    assertThat(config.exceptions()).singleElement().satisfies(e -> {
      assertThat(e.name()).isEqualTo("vendor-db-root");
      assertThat(e.rules()).containsExactly("run-as-non-root");
      assertThat(e.namespaces()).containsExactly("payments");
      assertThat(e.workloads()).containsExactly("StatefulSet/vendor-db", "Deployment/legacy-*");
      assertThat(e.selector().matchLabels()).isEqualTo(Map.of("team", "billing"));
      assertThat(e.containers()).containsExactly("db");
      assertThat(e.images()).containsExactly("registry.example.com/vendor/db:*");
      assertThat(e.reason()).isEqualTo("vendor image runs as root; ticket OPS-1234");
      assertThat(e.expires()).isEqualTo(LocalDate.of(2027, 3, 31));
    });
    assertThat(config.exceptionsFromAnnotations().namespaces()).containsExactly("team-*");
  }

  @Test
  void noExceptionsAndNoAnnotationsByDefault() {
    ImagegateConfig config = ConfigLoader.parse("mode: warn\n");
    assertThat(config.exceptions()).isEmpty();
    assertThat(config.exceptionsFromAnnotations().namespaces()).isEmpty();
  }

  @Test
  void anExceptionEndsAtTheEndOfItsDayInUtc() {
    ExceptionEntry entry = ConfigLoader.parse(ISSUE_EXAMPLE).exceptions().get(0);
    assertThat(entry.endsAt()).isEqualTo(Instant.parse("2027-04-01T00:00:00Z"));
    assertThat(entry.expiredAt(Instant.parse("2027-03-31T23:59:59.999Z"))).isFalse();
    assertThat(entry.expiredAt(Instant.parse("2027-04-01T00:00:00Z"))).isTrue();
  }

  private static String entry(String fields) {
    return "exceptions:\n  - " + fields.strip().replace("\n", "\n    ") + "\n";
  }

  private static void refused(String yaml, String message) {
    assertThatThrownBy(() -> ConfigLoader.parse(yaml)).isInstanceOf(ConfigException.class).hasMessageContaining(message);
  }

  @Test
  void everyWrongFieldIsNamedWithItsEntry() {
    String valid = "name: legacy\nrules: [require-healthcheck]\nnamespaces: [apps]\nreason: ticket OPS-1\n";
    assertThat(ConfigLoader.parse(entry(valid)).exceptions()).hasSize(1);

    refused(entry("name: legacy\nrules: [require-healthcheck]\nnamespaces: [apps]\n"),
        "exceptions[legacy].reason: required");
    refused(entry("name: legacy\nrules: [require-healthcheck]\nnamespaces: [apps]\nreason: \"  \"\n"),
        "exceptions[legacy].reason: required");
    refused(entry(valid + "expires: 2027-02-30\n"),
        "exceptions[legacy].expires: \"2027-02-30\" is not a date (YYYY-MM-DD");
    refused(entry(valid + "expires: next week\n"), "exceptions[legacy].expires: \"next week\" is not a date");
    refused(entry("name: legacy\nrules: [require-healthcheck]\nnamespaces: []\nreason: r\n"),
        "exceptions[legacy].namespaces: required");
    refused(entry("name: legacy\nrules: [require-healthcheck]\nreason: r\n"), "exceptions[legacy].namespaces: required");
    refused(entry("name: legacy\nnamespaces: [apps]\nreason: r\n"), "exceptions[legacy].rules: required");
    refused(entry(valid + "workloads: [legacy-web]\n"), "exceptions[legacy].workloads: \"legacy-web\" is not Kind/name");
    refused(entry(valid + "selector: {matchExpressions: [{key: team, operator: Has}]}\n"),
        "exceptions[legacy].selector.matchExpressions[0].operator");
    refused(entry(valid + "images: [\"\"]\n"), "exceptions[legacy].images: an empty entry");
    refused(entry(valid + "namespace: [apps]\n"), "namespace");
    refused(entry("rules: [require-healthcheck]\nnamespaces: [apps]\nreason: r\n"), "an entry has no name");
    refused(entry("name: \"two words\"\nrules: [require-healthcheck]\nnamespaces: [apps]\nreason: r\n"),
        "exceptions[two words].name");
  }

  @Test
  void twoEntriesWithOneNameAreRefused() {
    refused("""
        exceptions:
          - {name: legacy, rules: ["*"], namespaces: [apps], reason: one}
          - {name: legacy, rules: ["*"], namespaces: [web], reason: two}
        """, "exceptions[legacy].name: used by two entries");
  }

  @Test
  void annotationNamespacesMustNotBeEmptyStrings() {
    refused("exceptionsFromAnnotations:\n  namespaces: [\"\"]\n", "exceptionsFromAnnotations.namespaces");
    refused("exceptionsFromAnnotations:\n  namespace: [apps]\n", "namespace");
  }

  @Test
  void anEntryBuiltInCodeTakesEmptyDefaults() {
    ExceptionEntry entry = new ExceptionEntry("x", List.of("*"), List.of("*"), null, null, null, null, "r", null);
    assertThat(entry.allRules()).isTrue();
    assertThat(entry.selector().isEmpty()).isTrue();
    assertThat(entry.expiredAt(Instant.MAX)).isFalse();
  }
}
