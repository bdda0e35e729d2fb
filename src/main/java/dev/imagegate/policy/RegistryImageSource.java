package dev.imagegate.policy;

import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.Deadline;
import dev.imagegate.registry.ImageResolver;
import dev.imagegate.registry.PlatformFilter;
import dev.imagegate.registry.PullContext;
import dev.imagegate.registry.ResolvedImage;
import java.util.concurrent.CompletableFuture;

/** In production the engine reads images from their registries, through the resolver's caches. */
public final class RegistryImageSource {
  private RegistryImageSource() {}

  /** The resolver as the engine's source of images, with the wiring of the latest configuration (tests, benchmarks). */
  public static ImageSource over(ImageResolver resolver) {
    return new ImageSource() {
      @Override
      public CompletableFuture<ResolvedImage> resolve(ImageReference reference) {
        return resolver.resolve(reference);
      }

      @Override
      public CompletableFuture<ResolvedImage> resolve(ImageReference reference, PullContext pod, Deadline deadline, PlatformFilter wanted) {
        return resolver.resolve(reference, pod, deadline, wanted);
      }
    };
  }

  /** The resolver reaching registries as one configuration says: the source of that configuration's engine. */
  public static ImageSource over(ImageResolver resolver, ImageResolver.Wiring wiring) {
    return new ImageSource() {
      @Override
      public CompletableFuture<ResolvedImage> resolve(ImageReference reference) {
        return resolver.resolve(wiring, reference, PullContext.NONE, Deadline.after(wiring.timeout()), PlatformFilter.ALL);
      }

      @Override
      public CompletableFuture<ResolvedImage> resolve(ImageReference reference, PullContext pod, Deadline deadline, PlatformFilter wanted) {
        return resolver.resolve(wiring, reference, pod, deadline, wanted);
      }
    };
  }
}
