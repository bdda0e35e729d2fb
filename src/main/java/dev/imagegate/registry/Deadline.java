package dev.imagegate.registry;

import java.time.Duration;

/**
 * The moment one image fetch must be finished by, measured on the monotonic clock.
 *
 * @param expiresAtNanos {@link System#nanoTime()} value at which the budget is spent
 * @param budget the whole budget, for messages ("timed out after 8s")
 */
record Deadline(long expiresAtNanos, Duration budget) {

  static Deadline after(Duration budget) {
    return new Deadline(System.nanoTime() + budget.toNanos(), budget);
  }

  Duration remaining() {
    return Duration.ofNanos(Math.max(0, expiresAtNanos - System.nanoTime()));
  }

  boolean expired() {
    return expiresAtNanos - System.nanoTime() <= 0;
  }

  /** {@code 8s}, {@code 500ms}, {@code 1500ms}: the budget as a person would write it. */
  String describeBudget() {
    long millis = budget.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }
}
