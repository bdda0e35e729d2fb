package dev.imagegate.chart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report CRDs as the chart renders them (audit on, both report formats), as the apiserver
 * receives them: plain YAML maps. For tests that check the objects imagegate writes against them.
 */
public final class ReportCrds {
  public static final String POLICY_REPORTS = "policyreports.wgpolicyk8s.io";
  public static final String OPEN_REPORTS = "reports.openreports.io";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ReportCrds() {}

  /** Every document of a render, as maps. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static List<Map<String, Object>> documents(String yaml) {
    try (var parser = YAML.getFactory().createParser(yaml)) {
      List<Map<String, Object>> documents = new ArrayList<>();
      for (Map document : YAML.readValues(parser, Map.class).readAll()) {
        if (document != null) {
          documents.add(document);
        }
      }
      return documents;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CRDs of a render with these values, by name. */
  static Map<String, Map<String, Object>> crds(Map<String, ?> sets) {
    Map<String, Map<String, Object>> crds = new java.util.TreeMap<>();
    for (Map<String, Object> document : documents(HelmChart.template(sets))) {
      if ("CustomResourceDefinition".equals(document.get("kind"))) {
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) document.get("metadata");
        crds.put((String) metadata.get("name"), document);
      }
    }
    return crds;
  }

  /** The {@code openAPIV3Schema} of one of the chart's report CRDs ({@link #POLICY_REPORTS}, {@link #OPEN_REPORTS}). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> schema(String crd) {
    Map<String, Object> definition = crds(Map.of("audit.enabled", true, "audit.reportFormat", "both")).get(crd);
    if (definition == null) {
      throw new AssertionError("the chart renders no CRD " + crd);
    }
    Map<String, Object> spec = (Map<String, Object>) definition.get("spec");
    Map<String, Object> version = ((List<Map<String, Object>>) spec.get("versions")).get(0);
    return (Map<String, Object>) ((Map<String, Object>) version.get("schema")).get("openAPIV3Schema");
  }
}
