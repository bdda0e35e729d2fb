package dev.imagegate.config;

import java.time.Duration;

/**
 * The start-up warm-up: before reporting ready, imagegate runs synthetic admissions through its own
 * reading, judging and writing code (never a registry), so the first real ones do not wait for the
 * JIT compiler.
 *
 * @param budget the most time the warm-up may hold readiness back; {@code 0s} switches it off.
 *     Default 10s.
 */
public record WarmupSettings(Duration budget) {
  public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(10);

  public WarmupSettings {
    budget = budget == null ? DEFAULT_BUDGET : budget;
    if (budget.isNegative()) {
      throw new ConfigException("warmup.budget: must not be negative (0s switches the warm-up off)");
    }
  }

  public static WarmupSettings defaults() {
    return new WarmupSettings(null);
  }

  public boolean enabled() {
    return !budget.isZero();
  }
}
