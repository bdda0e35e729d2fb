package dev.imagegate.registry;

import java.io.IOException;
import java.time.Duration;

/**
 * Retries transient failures (HTTP 429 and 5xx, a broken or refused connection) within the fetch's
 * {@link RetryBudget} and deadline: the one retry loop, for registry and token requests alike.
 * {@code Retry-After} is honoured only when it fits the deadline; otherwise the last response is
 * the answer (and its message says how long the registry asked to wait).
 */
final class Retrying implements Transport {
  private final Transport next;
  private final RegistryMetrics metrics;

  Retrying(Transport next, RegistryMetrics metrics) {
    this.next = next;
    this.metrics = metrics;
  }

  @Override
  public RegistryHttp.Response send(FetchContext ctx, RegistryRequest request) throws IOException, ImageFetchException {
    while (true) {
      RegistryHttp.Response response;
      try {
        response = next.send(ctx, request);
      } catch (IOException e) {
        if (RetryBudget.transientFailure(e) && retry(ctx, ctx.retries().backoff(), "io")) {
          continue;
        }
        throw e;
      }
      int status = response.status();
      if (RetryBudget.transientStatus(status)) {
        Duration wait = RetryBudget.retryAfter(response.header("Retry-After"));
        if (retry(ctx, wait == null ? ctx.retries().backoff() : wait, status == 429 ? "rate_limited" : "server_error")) {
          continue;
        }
      }
      return response;
    }
  }

  private boolean retry(FetchContext ctx, Duration wait, String reason) throws IOException {
    if (ctx.retries().retryAfter(wait, ctx.deadline())) {
      metrics.retry(ctx.registry(), reason);
      return true;
    }
    return false;
  }
}
