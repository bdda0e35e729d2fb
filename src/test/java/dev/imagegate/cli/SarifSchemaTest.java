package dev.imagegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The schema the SARIF reports are validated against tells a valid log from an invalid one (it is not vacuous). */
class SarifSchemaTest {
  private static final String VALID = """
      {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "imagegate", "rules": [{"id": "run-as-non-root"}]}},
        "results": [{"ruleId": "run-as-non-root", "ruleIndex": 0, "level": "error", "message": {"text": "runs as root"},
          "locations": [{"physicalLocation": {"artifactLocation": {"uri": "deploy.yaml"}, "region": {"startLine": 12}}}]}]}]}
      """;

  @Test
  void aMinimalLogIsValid() {
    assertThat(SarifSchema.problems(VALID)).isEmpty();
  }

  @Test
  void whatSarifForbidsIsFound() {
    assertThat(SarifSchema.problems(VALID.replace("\"error\"", "\"fatal\""))).as("a level SARIF does not know").isNotEmpty();
    assertThat(SarifSchema.problems(VALID.replace("\"startLine\": 12", "\"startLine\": 0"))).as("lines start at 1").isNotEmpty();
    assertThat(SarifSchema.problems(VALID.replace("\"name\": \"imagegate\", ", ""))).as("a driver has a name").isNotEmpty();
    assertThat(SarifSchema.problems(VALID.replace("\"2.1.0\"", "\"2.0.0\""))).as("only version 2.1.0").isNotEmpty();
  }
}
