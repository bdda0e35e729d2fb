package dev.imagegate.config;

import java.time.Duration;

/**
 * Kubernetes Events on denied and warned workloads.
 *
 * @param enabled write Events (events.k8s.io/v1, create); unset: on when imagegate runs in a
 *     cluster (a service account token is mounted), off elsewhere
 * @param interval at most one Event per workload and reason within this time; default 10m
 */
public record EventSettings(Boolean enabled, Duration interval) {
  public EventSettings {
    interval = interval == null ? Duration.ofMinutes(10) : interval;
    if (interval.isNegative() || interval.isZero()) {
      throw new ConfigException("events.interval: must be positive");
    }
  }

  public static EventSettings defaults() {
    return new EventSettings(null, null);
  }
}
