package dev.imagegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The SARIF 2.1.0 JSON schema (src/test/resources/sarif/, its README says where it comes from), as a validator. */
final class SarifSchema {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchema SCHEMA = load();

  private SarifSchema() {}

  /** What the schema finds wrong in {@code sarif}; empty when it is a valid SARIF 2.1.0 log. */
  static List<String> problems(String sarif) {
    try {
      return SCHEMA.validate(JSON.readTree(sarif)).stream().map(ValidationMessage::getMessage).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonSchema load() {
    try (InputStream in = SarifSchema.class.getResourceAsStream("/sarif/sarif-schema-2.1.0.json")) {
      JsonNode schema = JSON.readTree(in);
      return JsonSchemaFactory.getInstance(SpecVersionDetector.detect(schema)).getSchema(schema);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
