package dev.imagegate.admission;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.policy.Excepted;
import dev.imagegate.policy.Finding;
import dev.imagegate.policy.StaleNotice;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * One JSON line per decision on the {@code imagegate.decision} category. Findings carry rule,
 * container, image and message (and, for an image that could not be read, the registry failure's
 * reason, as in the registry metrics' {@code reason} label) only: messages never hold secret values.
 * Violations an exception let through are listed apart ({@code excepted}, with the exception's name
 * and reason), and so are the warnings about exceptions ({@code notices}).
 */
@ApplicationScoped
public class DecisionLog {
  /** The logger of the decision lines: its own category, so it can go to its own handler. */
  static final String CATEGORY = "imagegate.decision";

  private static final Logger LOG = Logger.getLogger(CATEGORY);

  /** Lines queued before the caller waits for the writer. */
  static final int QUEUE_LINES = 4_096;
  /** How long the writer gathers lines after the first before writing them. */
  static final Duration LINGER = Duration.ofMillis(5);

  private final ObjectMapper mapper;
  private DecisionLineWriter writer;

  public DecisionLog(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** Decision lines go to stdout through {@link DecisionLineWriter}, alone on their line, not through the console handler. */
  void onStart(@Observes StartupEvent event) {
    writer = new DecisionLineWriter(System.out, QUEUE_LINES, LINGER);
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(LOG.getName());
    logger.setUseParentHandlers(false);
    logger.addHandler(writer);
  }

  /** After the last request has been answered (graceful shutdown): every queued line is written. */
  void onStop(@Observes ShutdownEvent event) {
    if (writer != null) {
      java.util.logging.Logger.getLogger(LOG.getName()).removeHandler(writer);
      writer.close();
    }
  }

  void record(AdmissionCall call, Decision decision, long nanos) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    String line = line(call, decision, nanos);
    if (line != null) {
      LOG.info(line);
    }
  }

  /** The decision's line, or null (and a warning) when it could not be written. */
  String line(AdmissionCall call, Decision decision, long nanos) {
    // Written field by field with a streaming generator: the same line as serialising a map of it, at a
    // fraction of the cost (no map, no serializer look-up per value). docs/benchmarks.md.
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("uid", call.uid());
      json.writeStringField("operation", call.operation());
      json.writeStringField("kind", call.kindName());
      json.writeStringField("namespace", call.namespace());
      json.writeStringField("name", call.name());
      json.writeBooleanField("dryRun", call.dryRun());
      json.writeStringField("decision", decision.outcome());
      if (decision.skipped() != null) {
        json.writeStringField("skipped", decision.skipped());
      }
      json.writeFieldName("durationMs");
      json.writeNumber(milliseconds(nanos));
      StaleNotice stale = decision.verdict().stale();
      if (stale != null) {
        json.writeObjectFieldStart("staleFacts");
        json.writeNumberField("ageSeconds", stale.oldest().toSeconds());
        json.writeArrayFieldStart("unreachable");
        for (String registry : stale.registries()) {
          json.writeString(registry);
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeArrayFieldStart("violations");
      for (Finding f : decision.verdict().findings()) {
        json.writeStartObject();
        json.writeStringField("rule", f.ruleId());
        json.writeStringField("mode", f.mode().id());
        json.writeStringField("container", f.container());
        json.writeStringField("image", f.image());
        json.writeStringField("message", f.message());
        if (f.reason() != null) {
          json.writeStringField("reason", f.reason().label());
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      if (!decision.verdict().excepted().isEmpty()) {
        json.writeArrayFieldStart("excepted");
        for (Excepted e : decision.verdict().excepted()) {
          Finding f = e.finding();
          json.writeStartObject();
          json.writeStringField("rule", f.ruleId());
          json.writeStringField("exception", e.exception());
          json.writeStringField("reason", e.reason());
          json.writeStringField("container", f.container());
          json.writeStringField("image", f.image());
          json.writeStringField("message", f.message());
          json.writeEndObject();
        }
        json.writeEndArray();
      }
      if (!decision.verdict().notices().isEmpty()) {
        json.writeArrayFieldStart("notices");
        for (String notice : decision.verdict().notices()) {
          json.writeString(notice);
        }
        json.writeEndArray();
      }
      json.writeEndObject();
    } catch (IOException e) {
      LOG.warnf("decision for %s not logged: %s", call.uid(), e.getClass().getSimpleName());
      return null;
    }
    return out.toString();
  }

  /** Milliseconds with two decimals, e.g. {@code 1.07}: formatted by hand, a double's toString cost more than the rest of the line. */
  static String milliseconds(long nanos) {
    long hundredths = (Math.max(0, nanos) + 5_000) / 10_000;
    long fraction = hundredths % 100;
    return (hundredths / 100) + (fraction < 10 ? ".0" : ".") + fraction;
  }
}
