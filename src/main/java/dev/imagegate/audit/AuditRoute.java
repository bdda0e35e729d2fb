package dev.imagegate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The latest audit on the management port (9000, with health and metrics), never on the webhook's
 * port: {@code GET /audit} answers a browser (an {@code Accept} that prefers {@code text/html})
 * with the report page and anything else with JSON; {@code GET /audit.csv} with CSV. Query
 * parameters {@code namespace} and {@code rule} filter all three (JSON: {@code namespace} only).
 *
 * <p>The page runs no script and loads nothing (clusters are often air-gapped); its
 * Content-Security-Policy forbids both, so even a value that escaped escaping could not act.
 * The audit bean is looked up at the first request, not while the HTTP servers start.
 */
@ApplicationScoped
public class AuditRoute {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  @CheckedTemplate(basePath = "audit")
  static class Templates {
    static native TemplateInstance page(AuditPage.View view);
  }

  private final Instance<AuditService> audit;

  public AuditRoute(Instance<AuditService> audit) {
    this.audit = audit;
  }

  void register(@Observes ManagementInterface management) {
    management.router().get("/audit").blockingHandler(this::serve, false);
    management.router().get("/audit.csv").blockingHandler(this::serveCsv, false);
  }

  private void serve(RoutingContext context) {
    HttpServerResponse response = context.response().putHeader("Vary", "Accept");
    if (prefersHtml(context.request().getHeader("Accept"))) {
      // all namespaces, filtered here: the page links every namespace
      AuditPage.View view = AuditPage.of(AuditState.of(audit.get(), null), filter(context), audit.get().exceptionEnds());
      secure(response).setStatusCode(200).putHeader("Content-Type", "text/html; charset=utf-8")
          .end(Templates.page(view).render());
      return;
    }
    String namespace = context.request().getParam("namespace");
    AuditState state = AuditState.of(audit.get(), namespace);
    Map<String, Object> body = state.status() != null ? AuditJson.of(state, namespace) : json(state);
    try {
      response.setStatusCode(200).putHeader("Content-Type", "application/json").end(JSON.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      response.setStatusCode(500).end();
    }
  }

  private void serveCsv(RoutingContext context) {
    AuditState state = AuditState.of(audit.get(), null);
    AuditReport report = state.report();
    HttpServerResponse response = secure(context.response());
    if (report == null) {
      // no file that would read as a clean cluster: say why there is none
      response.setStatusCode(state.enabled() ? 503 : 404).putHeader("Content-Type", "text/plain; charset=utf-8")
          .end(state.state() + ": " + state.notice() + "\n");
      return;
    }
    response.setStatusCode(200).putHeader("Content-Type", "text/csv; charset=utf-8")
        .putHeader("Content-Disposition", "attachment; filename=\"imagegate-audit.csv\"")
        .end(AuditCsv.of(report, filter(context), audit.get().exceptionEnds()));
  }

  private static Map<String, Object> json(AuditState state) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("enabled", state.enabled());
    body.put("state", state.state());
    body.put(state.enabled() ? "lastError" : "message", state.message());
    return body;
  }

  private static AuditPage.Filter filter(RoutingContext context) {
    return new AuditPage.Filter(context.request().getParam("namespace"), context.request().getParam("rule"));
  }

  private static HttpServerResponse secure(HttpServerResponse response) {
    return response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cache-Control", "no-store");
  }

  /**
   * Whether an {@code Accept} header prefers HTML over JSON: its media ranges by quality (ties in
   * the order written), the first that either answers decides. No header, or {@code *}/{@code *}
   * first (curl, scripts): JSON, as before there was a page.
   */
  static boolean prefersHtml(String accept) {
    if (accept == null) {
      return false;
    }
    record Range(String type, double quality, int position) {}
    List<Range> ranges = new ArrayList<>();
    String[] parts = accept.split(",");
    for (int i = 0; i < parts.length; i++) {
      String[] fields = parts[i].split(";");
      double quality = 1;
      for (int f = 1; f < fields.length; f++) {
        String parameter = fields[f].trim().toLowerCase(Locale.ROOT);
        if (parameter.startsWith("q=")) {
          try {
            quality = Double.parseDouble(parameter.substring(2));
          } catch (NumberFormatException e) {
            quality = 0;
          }
        }
      }
      ranges.add(new Range(fields[0].trim().toLowerCase(Locale.ROOT), quality, i));
    }
    ranges.sort(Comparator.comparingDouble((Range r) -> -r.quality()).thenComparingInt(Range::position));
    for (Range range : ranges) {
      if (range.quality() <= 0) {
        break;
      }
      switch (range.type()) {
        case "text/html", "application/xhtml+xml" -> {
          return true;
        }
        case "application/json", "application/*", "*/*" -> {
          return false;
        }
        default -> { }
      }
    }
    return false;
  }
}
