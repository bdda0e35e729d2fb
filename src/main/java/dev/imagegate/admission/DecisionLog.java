package dev.imagegate.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.policy.Finding;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One JSON line per decision on the {@code imagegate.decision} category. Findings carry rule,
 * container, image and message only: messages never hold secret values.
 */
@ApplicationScoped
public class DecisionLog {
  private static final Logger LOG = Logger.getLogger("imagegate.decision");

  private final ObjectMapper mapper;

  public DecisionLog(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  void record(AdmissionRequest request, Decision decision, long nanos) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("uid", request.getUid());
    line.put("operation", request.getOperation());
    line.put("kind", request.getKind() == null ? null : request.getKind().getKind());
    line.put("namespace", request.getNamespace());
    line.put("name", request.getName());
    line.put("dryRun", Boolean.TRUE.equals(request.getDryRun()));
    line.put("decision", decision.outcome());
    if (decision.skipped() != null) {
      line.put("skipped", decision.skipped());
    }
    line.put("durationMs", Math.round(nanos / 1e4) / 100.0);
    List<Map<String, String>> findings = decision.verdict().findings().stream().map(DecisionLog::finding).toList();
    line.put("violations", findings);
    try {
      LOG.info(mapper.writeValueAsString(line));
    } catch (JsonProcessingException e) {
      LOG.warnf("decision for %s not logged: %s", request.getUid(), e.getClass().getSimpleName());
    }
  }

  private static Map<String, String> finding(Finding f) {
    Map<String, String> entry = new LinkedHashMap<>();
    entry.put("rule", f.ruleId());
    entry.put("mode", f.mode().id());
    entry.put("container", f.container());
    entry.put("image", f.image());
    entry.put("message", f.message());
    return entry;
  }
}
