package dev.imagegate.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.cli.CheckReport.Result;
import dev.imagegate.cli.ManifestReader.InputError;
import dev.imagegate.policy.Excepted;
import dev.imagegate.policy.Finding;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * SARIF 2.1.0 as GitHub code scanning and GitLab read it: one reporting rule per rule id (with its
 * help and a link to docs/rules.md), one result per finding at the file and line of the
 * container's {@code image:}; enforce is an error, warn a warning, audit a note. A violation an
 * exception lets through is a result with a suppression (kind external, status accepted, the
 * exception's name and reason as justification).
 */
final class SarifFormat {
  static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  void write(CheckReport report, List<String> ruleIds, Writer out) throws IOException {
    Set<String> ids = new LinkedHashSet<>(ruleIds);
    report.results().forEach(r -> r.findings().forEach(f -> ids.add(f.ruleId())));
    report.results().forEach(r -> r.excepted().forEach(e -> ids.add(e.finding().ruleId())));
    if (!report.errors().isEmpty()) {
      ids.add(RuleHelp.INPUT_ERROR);
    }
    List<String> rules = new ArrayList<>(ids);
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeStringField("$schema", SCHEMA);
      json.writeStringField("version", "2.1.0");
      json.writeArrayFieldStart("runs");
      json.writeStartObject();
      json.writeObjectFieldStart("tool");
      json.writeObjectFieldStart("driver");
      json.writeStringField("name", "imagegate");
      json.writeStringField("informationUri", RuleHelp.REPOSITORY);
      json.writeArrayFieldStart("rules");
      for (String id : rules) {
        String summary = RuleHelp.summary(id);
        json.writeStartObject();
        json.writeStringField("id", id);
        json.writeObjectFieldStart("shortDescription");
        json.writeStringField("text", summary);
        json.writeEndObject();
        json.writeObjectFieldStart("help");
        json.writeStringField("text", summary + " See " + RuleHelp.link(id));
        json.writeEndObject();
        json.writeStringField("helpUri", RuleHelp.link(id));
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndObject();
      json.writeArrayFieldStart("results");
      for (Result result : report.results()) {
        for (Finding finding : result.findings()) {
          json.writeStartObject();
          writeFinding(json, rules, result, finding);
          json.writeEndObject();
        }
        for (Excepted excepted : result.excepted()) {
          json.writeStartObject();
          writeFinding(json, rules, result, excepted.finding());
          // suppressed, as code scanning shows a dismissed alert: recorded, not an open problem
          json.writeArrayFieldStart("suppressions");
          json.writeStartObject();
          json.writeStringField("kind", "external");
          json.writeStringField("status", "accepted");
          json.writeStringField("justification", "exception \"" + excepted.exception() + "\": " + excepted.reason());
          json.writeEndObject();
          json.writeEndArray();
          json.writeEndObject();
        }
      }
      for (InputError error : report.errors()) {
        json.writeStartObject();
        json.writeStringField("ruleId", RuleHelp.INPUT_ERROR);
        json.writeNumberField("ruleIndex", rules.indexOf(RuleHelp.INPUT_ERROR));
        json.writeStringField("level", "error");
        json.writeObjectFieldStart("message");
        json.writeStringField("text", error.message());
        json.writeEndObject();
        location(json, error.source(), error.line());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
    }
    out.write('\n');
  }

  /** A result's rule, level (enforce: error, warn: warning, audit: note), message and location. */
  private static void writeFinding(JsonGenerator json, List<String> rules, Result result, Finding finding) throws IOException {
    json.writeStringField("ruleId", finding.ruleId());
    json.writeNumberField("ruleIndex", rules.indexOf(finding.ruleId()));
    json.writeStringField("level", switch (finding.mode()) {
      case ENFORCE -> "error";
      case WARN -> "warning";
      default -> "note";
    });
    json.writeObjectFieldStart("message");
    json.writeStringField("text", result.title() + ": " + finding.describe());
    json.writeEndObject();
    location(json, result.source(), result.lineOf(finding.container()));
  }

  /** A file location (relative, with / separators, as code scanning matches it to the repository); none for stdin and --image. */
  private static void location(JsonGenerator json, String source, int line) throws IOException {
    if (source.equals("-") || source.equals("--image")) {
      return;
    }
    json.writeArrayFieldStart("locations");
    json.writeStartObject();
    json.writeObjectFieldStart("physicalLocation");
    json.writeObjectFieldStart("artifactLocation");
    Path path = Path.of(source);
    Path relative = path.isAbsolute() && path.startsWith(Path.of("").toAbsolutePath())
        ? Path.of("").toAbsolutePath().relativize(path) : path;
    json.writeStringField("uri", relative.toString().replace('\\', '/'));
    json.writeEndObject();
    if (line > 0) {
      json.writeObjectFieldStart("region");
      json.writeNumberField("startLine", line);
      json.writeEndObject();
    }
    json.writeEndObject();
    json.writeEndObject();
    json.writeEndArray();
  }
}
