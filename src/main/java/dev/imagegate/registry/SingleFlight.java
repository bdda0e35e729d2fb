package dev.imagegate.registry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * At most one fetch in flight per key: later callers share the running one. A finished flight is
 * forgotten at once, failed or not, so a failure is never cached and the next caller retries.
 */
final class SingleFlight<K, V> {
  private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

  /**
   * The running flight for {@code key}, or a new one that {@code start} is given to complete
   * ({@code start} runs on the caller's thread, outside any lock, only for a new flight).
   * Callers must not complete or cancel the returned future; derive from it.
   */
  CompletableFuture<V> join(K key, Consumer<CompletableFuture<V>> start) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> running;
    // A flight that has just finished may not be forgotten yet (its callers' stages run first): not joined.
    while ((running = inFlight.putIfAbsent(key, mine)) != null) {
      if (!running.isDone()) {
        return running;
      }
      inFlight.remove(key, running);
    }
    mine.whenComplete((value, error) -> inFlight.remove(key, mine));
    start.accept(mine);
    return mine;
  }

  int inFlight() {
    return inFlight.size();
  }
}
