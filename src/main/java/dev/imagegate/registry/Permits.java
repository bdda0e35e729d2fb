package dev.imagegate.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * At most {@code registries.maxConcurrentFetchesPerRegistry} requests in flight to one
 * {@code host[:port]} at a time (so at most that many connections to it, however many images are
 * fetched at once): a request waits for its turn within its deadline.
 */
final class Permits implements Transport {
  private final Transport next;
  private final int maxPerHost;
  private final Cache<String, Semaphore> slots = Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofMinutes(10)).build();

  Permits(Transport next, int maxPerHost) {
    this.next = next;
    this.maxPerHost = maxPerHost;
  }

  /** @throws HttpTimeoutException when the deadline passes before a slot for the host is free */
  @Override
  public RegistryHttp.Response send(FetchContext ctx, RegistryRequest request) throws IOException, ImageFetchException {
    Semaphore slot = slots.get(RegistryHttp.authority(request.uri()), key -> new Semaphore(maxPerHost));
    acquire(slot, ctx.deadline());
    try {
      return next.send(ctx, request);
    } finally {
      slot.release();
    }
  }

  private static void acquire(Semaphore slot, Deadline deadline) throws IOException {
    try {
      if (!slot.tryAcquire(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS)) {
        throw new HttpTimeoutException("deadline reached while waiting for a free connection to the registry");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a free connection to the registry");
    }
  }

  /** Requests waiting for or holding a slot to {@code host[:port]} right now. */
  int inFlight(String authority) {
    Semaphore slot = slots.getIfPresent(authority.toLowerCase(Locale.ROOT));
    return slot == null ? 0 : maxPerHost - slot.availablePermits();
  }
}
