package dev.imagegate.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a response body into memory, refusing one larger than a limit: at once when its
 * {@code Content-Length} says so, else as soon as the limit is passed (the connection is then dropped).
 */
final class LimitedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final int limit;
  private final boolean refuseAtOnce;
  private Flow.Subscription subscription;

  private LimitedBodySubscriber(int limit, boolean refuseAtOnce) {
    this.limit = limit;
    this.refuseAtOnce = refuseAtOnce;
  }

  static HttpResponse.BodyHandler<byte[]> handler(int limit) {
    return info -> new LimitedBodySubscriber(limit, info.headers().firstValueAsLong("Content-Length").orElse(-1) > limit);
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    if (refuseAtOnce) {
      tooLarge();
      return;
    }
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer item : items) {
      if (buffer.size() + item.remaining() > limit) {
        tooLarge();
        return;
      }
      byte[] bytes = new byte[item.remaining()];
      item.get(bytes);
      buffer.write(bytes, 0, bytes.length);
    }
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    result.complete(buffer.toByteArray());
  }

  private void tooLarge() {
    subscription.cancel();
    result.completeExceptionally(new ResponseTooLargeException(limit));
  }

  /** A registry response over the size limit. */
  static final class ResponseTooLargeException extends IOException {
    private final int limit;

    ResponseTooLargeException(int limit) {
      super("response larger than " + limit + " bytes");
      this.limit = limit;
    }

    int limit() {
      return limit;
    }
  }
}
