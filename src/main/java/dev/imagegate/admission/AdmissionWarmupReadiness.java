package dev.imagegate.admission;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until the admission path is warm ({@link AdmissionWarmup}): ready means fast. */
@Readiness
@ApplicationScoped
public class AdmissionWarmupReadiness implements HealthCheck {
  private final AdmissionWarmup warmup;

  public AdmissionWarmupReadiness(AdmissionWarmup warmup) {
    this.warmup = warmup;
  }

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("imagegate-warmup");
    return warmup.finished() ? response.up().build() : response.down().build();
  }
}
