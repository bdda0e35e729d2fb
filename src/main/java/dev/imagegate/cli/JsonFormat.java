package dev.imagegate.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.imagegate.cli.CheckReport.Outcome;
import dev.imagegate.cli.CheckReport.Result;
import dev.imagegate.cli.ManifestReader.InputError;
import dev.imagegate.cli.ManifestReader.Skipped;
import dev.imagegate.policy.Excepted;
import dev.imagegate.policy.Finding;
import dev.imagegate.workload.Workload;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/**
 * The stable JSON report (schema in docs/cli.md, {@code schemaVersion} 1): fields are only ever
 * added; a field's meaning never changes within a schema version.
 */
final class JsonFormat {
  static final int SCHEMA_VERSION = 1;
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  void write(CheckReport report, Writer out) throws IOException {
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeNumberField("schemaVersion", SCHEMA_VERSION);
      json.writeObjectFieldStart("summary");
      json.writeNumberField("workloads", report.judged());
      json.writeNumberField("denied", report.count(Outcome.DENY));
      json.writeNumberField("warned", report.count(Outcome.WARN));
      json.writeNumberField("passed", report.count(Outcome.PASS));
      json.writeNumberField("excepted", report.excepted());
      json.writeNumberField("notJudged", report.count(Outcome.SKIP));
      json.writeNumberField("otherDocuments", report.skipped().size());
      json.writeNumberField("inputErrors", report.errors().size());
      json.writeBooleanField("offline", report.offline());
      json.writeStringField("text", report.summary());
      json.writeEndObject();
      json.writeArrayFieldStart("workloads");
      for (Result result : report.results()) {
        writeResult(result, json);
      }
      json.writeEndArray();
      json.writeArrayFieldStart("otherDocuments");
      for (Skipped skipped : report.skipped()) {
        json.writeStartObject();
        json.writeStringField("source", skipped.source());
        json.writeNumberField("line", skipped.line());
        json.writeStringField("kind", skipped.kind());
        json.writeStringField("name", skipped.name());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("inputErrors");
      for (InputError error : report.errors()) {
        json.writeStartObject();
        json.writeStringField("source", error.source());
        json.writeNumberField("line", error.line());
        json.writeStringField("message", error.message());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    out.write('\n');
  }

  private static void writeResult(Result result, JsonGenerator json) throws IOException {
    Workload w = result.workload();
    json.writeStartObject();
    json.writeStringField("source", result.source());
    json.writeNumberField("line", result.line());
    json.writeStringField("apiVersion", w.apiVersion());
    json.writeStringField("kind", w.kind());
    json.writeStringField("namespace", w.namespace());
    json.writeStringField("name", w.name() != null ? w.name() : w.generateName());
    json.writeStringField("outcome", result.outcome().id());
    if (result.skipReason() != null) {
      json.writeStringField("notJudged", result.skipReason());
    }
    json.writeArrayFieldStart("findings");
    for (Finding f : result.findings()) {
      json.writeStartObject();
      writeFinding(result, f, json);
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("excepted");
    for (Excepted e : result.excepted()) {
      json.writeStartObject();
      writeFinding(result, e.finding(), json);
      json.writeStringField("exception", e.exception());
      json.writeStringField("reason", e.reason());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("notices");
    for (String notice : result.notices()) {
      json.writeString(notice);
    }
    json.writeEndArray();
    json.writeObjectFieldStart("rules");
    for (var rule : result.rules().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).toList()) {
      json.writeStringField(rule.getKey(), rule.getValue().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    json.writeEndObject();
    json.writeEndObject();
  }

  private static void writeFinding(Result result, Finding f, JsonGenerator json) throws IOException {
    json.writeStringField("container", f.container());
    json.writeStringField("image", f.image());
    json.writeStringField("rule", f.ruleId());
    json.writeStringField("mode", f.mode().id());
    json.writeStringField("message", f.message());
    if (f.reason() != null) {
      json.writeStringField("reason", f.reason().label());
    }
    json.writeNumberField("line", result.lineOf(f.container()));
  }
}
