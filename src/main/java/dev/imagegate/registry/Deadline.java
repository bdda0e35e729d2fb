package dev.imagegate.registry;

import java.time.Duration;

/**
 * The moment some registry work must be finished by, on the monotonic clock. The admission layer
 * makes one per request (its budget), the resolver one per image ({@code registries.timeout}); a
 * fetch is bound by the earlier of the two.
 *
 * @param expiresAtNanos {@link System#nanoTime()} value at which the budget is spent
 * @param budget the whole budget, for messages ("timed out after 8s")
 */
public record Deadline(long expiresAtNanos, Duration budget) {

  public static Deadline after(Duration budget) {
    return new Deadline(System.nanoTime() + budget.toNanos(), budget);
  }

  /** The earlier of two deadlines. */
  public static Deadline earlier(Deadline a, Deadline b) {
    return a.expiresAtNanos - b.expiresAtNanos <= 0 ? a : b;
  }

  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, expiresAtNanos - System.nanoTime()));
  }

  public boolean expired() {
    return expiresAtNanos - System.nanoTime() <= 0;
  }

  /** Whether this deadline comes before {@code other}. */
  public boolean before(Deadline other) {
    return expiresAtNanos - other.expiresAtNanos < 0;
  }

  /** {@code 8s}, {@code 500ms}, {@code 1500ms}: the budget as a person would write it. */
  public String describeBudget() {
    long millis = budget.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }
}
