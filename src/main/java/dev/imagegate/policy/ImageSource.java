package dev.imagegate.policy;

import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.Deadline;
import dev.imagegate.registry.PlatformFilter;
import dev.imagegate.registry.PullContext;
import dev.imagegate.registry.ResolvedImage;
import java.util.concurrent.CompletableFuture;

/** Where the engine gets image facts from: the registry (through its cache) in production. */
@FunctionalInterface
public interface ImageSource {
  /** Completes with the image, or exceptionally with an ImageFetchException that names it and why. */
  CompletableFuture<ResolvedImage> resolve(ImageReference reference);

  /**
   * The image as the pod may see it (its pull secrets), completing by {@code deadline} at the latest.
   * Sources without credentials or deadlines of their own ignore both.
   */
  default CompletableFuture<ResolvedImage> resolve(ImageReference reference, PullContext pod, Deadline deadline) {
    return resolve(reference);
  }

  /**
   * As above, reading of an image index only the children {@code wanted} chooses (each costs
   * requests). Sources that hold every platform anyway may ignore it: the engine chooses again
   * from what it is given.
   */
  default CompletableFuture<ResolvedImage> resolve(ImageReference reference, PullContext pod, Deadline deadline, PlatformFilter wanted) {
    return resolve(reference, pod, deadline);
  }
}
