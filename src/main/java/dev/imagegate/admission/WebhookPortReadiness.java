package dev.imagegate.admission;

import io.quarkus.vertx.http.HttpsServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until the webhook's HTTPS port accepts connections. Quarkus starts the management
 * interface (where {@code /q/health/ready} is served) and the main server side by side, so without
 * this check readiness could answer UP while the webhook's port still refuses the apiserver.
 * Quarkus announces the bound port with {@link HttpsServerStart}, once its listener is open.
 */
@Readiness
@ApplicationScoped
public class WebhookPortReadiness implements HealthCheck {
  private volatile boolean listening;

  void onListening(@ObservesAsync HttpsServerStart started) {
    listening = true;
  }

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("imagegate-webhook-port");
    return listening ? response.up().build() : response.down().build();
  }
}
