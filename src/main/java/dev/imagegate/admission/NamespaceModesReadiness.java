package dev.imagegate.admission;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until the namespace labels are known, so a fresh replica does not deny in a namespace
 * labelled {@code off} or {@code audit}; but for at most {@link #GRACE_SECONDS}: an unreachable API
 * must not keep the webhook from serving (the global mode applies then).
 */
@Readiness
@ApplicationScoped
public class NamespaceModesReadiness implements HealthCheck {
  static final long GRACE_SECONDS = 10;

  private final NamespaceModes modes;

  public NamespaceModesReadiness(NamespaceModes modes) {
    this.modes = modes;
  }

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("imagegate-namespace-modes").withData("enabled", modes.enabled());
    if (!modes.enabled()) {
      return response.up().build();
    }
    response.withData("synced", modes.synced());
    long since = modes.sinceStart();
    boolean waiting = !modes.synced() && (since < 0 || since < TimeUnit.SECONDS.toNanos(GRACE_SECONDS));
    return waiting ? response.down().build() : response.up().build();
  }
}
