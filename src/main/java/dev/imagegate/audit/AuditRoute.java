package dev.imagegate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.Map;

/**
 * {@code GET /audit} on the management port (9000, with health and metrics), never on the
 * webhook's port: the latest audit as JSON; {@code ?namespace=NAME} for one namespace.
 *
 * <p>The audit bean is looked up at the first request, not while the HTTP servers start.
 */
@ApplicationScoped
public class AuditRoute {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Instance<AuditService> audit;

  public AuditRoute(Instance<AuditService> audit) {
    this.audit = audit;
  }

  void register(@Observes ManagementInterface management) {
    management.router().get("/audit").blockingHandler(this::serve, false);
  }

  private void serve(RoutingContext context) {
    AuditService service = audit.get();
    Map<String, Object> body = service.auditor()
        .map(auditor -> auditor.json(context.request().getParam("namespace")))
        .orElseGet(() -> service.startError() != null
            ? Map.of("enabled", true, "state", "failed", "lastError", "the audit could not start: " + service.startError())
            : Map.of("enabled", false, "state", "off",
                "message", "the background audit is off: set audit.enabled: true (docs/audit.md)"));
    try {
      context.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(JSON.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      context.response().setStatusCode(500).end();
    }
  }
}
