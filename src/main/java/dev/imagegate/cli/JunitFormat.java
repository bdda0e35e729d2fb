package dev.imagegate.cli;

import dev.imagegate.cli.CheckReport.Result;
import dev.imagegate.cli.ManifestReader.InputError;
import dev.imagegate.config.Mode;
import dev.imagegate.policy.Finding;
import dev.imagegate.rules.ContainerContext;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * JUnit XML as CI servers read it (GitLab's test report, Jenkins): a test suite per file, a test
 * case per workload × container; a container that would be denied fails with the denial's lines,
 * warnings and violations let through by an exception go to its system-out; a document that could
 * not be read is an error.
 */
final class JunitFormat {
  void write(CheckReport report, Writer out) throws IOException {
    Map<String, List<Object>> bySource = new LinkedHashMap<>();
    report.results().forEach(r -> bySource.computeIfAbsent(r.source(), s -> new java.util.ArrayList<>()).add(r));
    report.errors().forEach(e -> bySource.computeIfAbsent(e.source(), s -> new java.util.ArrayList<>()).add(e));
    try {
      XMLStreamWriter xml = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeCharacters("\n");
      xml.writeStartElement("testsuites");
      xml.writeAttribute("name", "imagegate check");
      for (Map.Entry<String, List<Object>> suite : bySource.entrySet()) {
        writeSuite(xml, suite.getKey(), suite.getValue());
      }
      xml.writeEndElement();
      xml.writeEndDocument();
      xml.flush();
    } catch (XMLStreamException e) {
      throw new IOException("cannot write JUnit XML: " + e.getMessage(), e);
    }
    out.write('\n');
  }

  private static void writeSuite(XMLStreamWriter xml, String source, List<Object> items) throws XMLStreamException {
    int tests = 0;
    int failures = 0;
    int errors = 0;
    int skipped = 0;
    for (Object item : items) {
      if (item instanceof Result result) {
        for (ContainerContext container : result.workload().containers()) {
          tests++;
          if (result.skipReason() != null) {
            skipped++;
          } else if (mine(result, container).stream().anyMatch(f -> f.mode() == Mode.ENFORCE)) {
            failures++;
          }
        }
      } else {
        tests++;
        errors++;
      }
    }
    xml.writeStartElement("testsuite");
    xml.writeAttribute("name", source);
    xml.writeAttribute("tests", String.valueOf(tests));
    xml.writeAttribute("failures", String.valueOf(failures));
    xml.writeAttribute("errors", String.valueOf(errors));
    xml.writeAttribute("skipped", String.valueOf(skipped));
    for (Object item : items) {
      if (item instanceof Result result) {
        for (ContainerContext container : result.workload().containers()) {
          writeCase(xml, result, container);
        }
      } else if (item instanceof InputError error) {
        xml.writeStartElement("testcase");
        xml.writeAttribute("classname", source);
        xml.writeAttribute("name", "document at line " + error.line());
        xml.writeStartElement("error");
        xml.writeAttribute("message", error.message());
        xml.writeCharacters(error.message());
        xml.writeEndElement();
        xml.writeEndElement();
      }
    }
    xml.writeEndElement();
  }

  private static void writeCase(XMLStreamWriter xml, Result result, ContainerContext container) throws XMLStreamException {
    xml.writeStartElement("testcase");
    xml.writeAttribute("classname", result.title());
    xml.writeAttribute("name", container.name() + " (" + container.image() + ")");
    xml.writeAttribute("file", result.source());
    xml.writeAttribute("line", String.valueOf(result.lineOf(container.name())));
    List<Finding> findings = mine(result, container);
    if (result.skipReason() != null) {
      xml.writeEmptyElement("skipped");
      xml.writeAttribute("message", result.skipReason());
    } else {
      List<Finding> denying = findings.stream().filter(f -> f.mode() == Mode.ENFORCE).toList();
      if (!denying.isEmpty()) {
        xml.writeStartElement("failure");
        xml.writeAttribute("message", denying.size() + (denying.size() == 1 ? " violation would deny it" : " violations would deny it"));
        xml.writeAttribute("type", "deny");
        xml.writeCharacters(String.join("\n", denying.stream().map(Finding::describe).toList()));
        xml.writeEndElement();
      }
      List<String> other = new java.util.ArrayList<>();
      findings.stream().filter(f -> f.mode() != Mode.ENFORCE).forEach(f -> other.add(f.mode().id() + ": " + f.describe()));
      result.excepted().stream().filter(e -> e.finding().container().equals(container.name()))
          .forEach(e -> other.add("excepted: " + e.describe()));
      if (!other.isEmpty()) {
        xml.writeStartElement("system-out");
        xml.writeCharacters(String.join("\n", other));
        xml.writeEndElement();
      }
    }
    xml.writeEndElement();
  }

  private static List<Finding> mine(Result result, ContainerContext container) {
    return result.findings().stream().filter(f -> f.container().equals(container.name())).toList();
  }
}
