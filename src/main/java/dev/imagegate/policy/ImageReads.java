package dev.imagegate.policy;

import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.Deadline;
import dev.imagegate.registry.PlatformFilter;
import dev.imagegate.registry.PullContext;
import dev.imagegate.registry.ResolvedImage;
import dev.imagegate.rules.PodPlatforms;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The image reads of one batch: each distinct image once (with pull secrets, once per pull
 * context: what one pod may read, another may not; of an index, once per set of platforms, which
 * decides the children read), at most {@code concurrency} at a time, without blocking anyone: a
 * read starts when an earlier one ends.
 */
final class ImageReads {
  /** One read: the image, the platforms its pod can be scheduled to, and the pull context with pull secrets. */
  private record Key(ImageReference reference, PodPlatforms platforms, PullContext pod) {}

  private record Pending(Key key, PullContext pod, PlatformFilter wanted, CompletableFuture<ResolvedImage> answer,
      CompletableFuture<Void> settled) {}

  private final ImageSource images;
  private final int concurrency;
  private final Supplier<Deadline> deadline;
  private final Duration wait;
  private final boolean perPod;
  private final Map<Key, CompletableFuture<ResolvedImage>> reads = new HashMap<>();
  private final List<CompletableFuture<Void>> settled = new ArrayList<>();
  private final Queue<Pending> queue = new ArrayDeque<>();
  private int running;
  private boolean starting;

  /**
   * @param deadline each read's deadline, asked when it starts
   * @param wait the longest a read holds its turn (the source answers by its deadline; this is a backstop)
   * @param perPod one read per pull context ({@code registries.usePullSecrets})
   */
  ImageReads(ImageSource images, int concurrency, Supplier<Deadline> deadline, Duration wait, boolean perPod) {
    this.images = images;
    this.concurrency = Math.max(1, concurrency);
    this.deadline = deadline;
    this.wait = wait;
    this.perPod = perPod;
  }

  /** The image as the pod sees it: a read shared with the batch's other containers that need the same. */
  CompletableFuture<ResolvedImage> read(ImageReference reference, PodPlatforms platforms, PullContext pod, PlatformFilter wanted) {
    Key key = new Key(reference, platforms, perPod ? pod : null);
    CompletableFuture<ResolvedImage> known = reads.get(key);
    if (known != null) {
      return known;
    }
    Pending pending = new Pending(key, pod, wanted, new CompletableFuture<>(), new CompletableFuture<>());
    reads.put(key, pending.answer());
    settled.add(pending.settled());
    synchronized (queue) {
      queue.add(pending);
    }
    startWhatMay();
    return pending.answer();
  }

  /** The read for a container of this pod, registered by {@link #read}, or null when none was. */
  CompletableFuture<ResolvedImage> readFor(ImageReference reference, PodPlatforms platforms, PullContext pod) {
    return reads.get(new Key(reference, platforms, perPod ? pod : null));
  }

  /** Starts no more reads: those queued never answer (the batch is abandoned). */
  void abandon() {
    synchronized (queue) {
      queue.clear();
    }
  }

  /** Completes when every read has an answer or has held its turn for {@code wait}. */
  CompletableFuture<Void> settled() {
    return CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new));
  }

  /** Starts queued reads while turns are free; one thread at a time does it, so an answer at once never recurses. */
  private void startWhatMay() {
    synchronized (queue) {
      if (starting) {
        return; // the starting thread will see the turn freed: it checks under this lock
      }
      starting = true;
    }
    while (true) {
      Pending next;
      synchronized (queue) {
        if (running >= concurrency || queue.isEmpty()) {
          starting = false;
          return;
        }
        next = queue.poll();
        running++;
      }
      start(next);
    }
  }

  private void start(Pending pending) {
    CompletableFuture<ResolvedImage> read;
    try {
      read = images.resolve(pending.key().reference(), pending.pod(), deadline.get(), pending.wanted());
    } catch (RuntimeException e) {
      read = CompletableFuture.failedFuture(e);
    }
    copy(read, pending.answer());
    if (read.isDone()) {
      settle(pending); // answered at once (the resolver's caches: every warm admission): no timer to set
      return;
    }
    // A read that never answers (it should not: the source has a deadline) holds its turn only until then.
    pending.answer().handle((image, error) -> null).orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((ignored, late) -> settle(pending));
  }

  /** The read has answered or had its time: its turn goes to the next. */
  private void settle(Pending pending) {
    synchronized (queue) {
      running--;
    }
    pending.settled().complete(null);
    startWhatMay();
  }

  private static void copy(CompletableFuture<ResolvedImage> read, CompletableFuture<ResolvedImage> answer) {
    read.whenComplete((image, error) -> {
      if (error != null) {
        answer.completeExceptionally(error);
      } else {
        answer.complete(image);
      }
    });
  }
}
