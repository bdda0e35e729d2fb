package dev.imagegate.admission;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the image caches are being pre-warmed ({@link CachePrewarm}), for at most
 * {@code cache.prewarmBudget}: a slow registry or API never keeps the webhook from serving.
 */
@Readiness
@ApplicationScoped
public class CachePrewarmReadiness implements HealthCheck {
  private final CachePrewarm prewarm;

  public CachePrewarmReadiness(CachePrewarm prewarm) {
    this.prewarm = prewarm;
  }

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("imagegate-cache-prewarm").withData("enabled", prewarm.enabled());
    return prewarm.holdsReadiness() ? response.down().build() : response.up().build();
  }
}
