package dev.imagegate.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SingleFlightTest {

  @Test
  void callersShareTheRunningFlightAndAFinishedOneIsForgotten() {
    SingleFlight<String, String> flights = new SingleFlight<>();
    AtomicInteger started = new AtomicInteger();
    CompletableFuture<String>[] running = new CompletableFuture[1];

    CompletableFuture<String> first = flights.join("k", f -> {
      started.incrementAndGet();
      running[0] = f;
    });
    CompletableFuture<String> second = flights.join("k", f -> started.incrementAndGet());

    assertThat(second).isSameAs(first);
    assertThat(started).hasValue(1);

    running[0].completeExceptionally(new IllegalStateException("registry down"));
    assertThat(flights.inFlight()).isZero();

    flights.join("k", f -> started.incrementAndGet());
    assertThat(started).as("a failure is not cached: the next caller starts a new flight").hasValue(2);
  }

  @Test
  void aFlightThatFailsWhileStartingIsForgottenToo() {
    SingleFlight<String, String> flights = new SingleFlight<>();

    CompletableFuture<String> failed = flights.join("k", f -> f.completeExceptionally(new IllegalStateException("queue full")));

    assertThat(failed).isCompletedExceptionally();
    assertThat(flights.inFlight()).isZero();
  }

  @Test
  void aCallerReactingToAFinishedFlightStartsANewOneEvenBeforeTheOldIsForgotten() {
    SingleFlight<String, String> flights = new SingleFlight<>();
    AtomicInteger started = new AtomicInteger();
    CompletableFuture<String>[] running = new CompletableFuture[1];
    CompletableFuture<String> first = flights.join("k", f -> running[0] = f);
    CompletableFuture<String>[] next = new CompletableFuture[1];
    // A caller's stage runs before the flight is forgotten (dependents run last-registered first)
    first.whenComplete((value, error) -> next[0] = flights.join("k", f -> started.incrementAndGet()));

    running[0].completeExceptionally(new IllegalStateException("registry down"));

    assertThat(started).as("the finished flight is not joined").hasValue(1);
    assertThat(next[0]).isNotSameAs(first).isNotDone();
  }
}
