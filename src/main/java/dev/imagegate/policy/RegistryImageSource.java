package dev.imagegate.policy;

import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.Deadline;
import dev.imagegate.registry.ImageResolver;
import dev.imagegate.registry.PlatformFilter;
import dev.imagegate.registry.PullContext;
import dev.imagegate.registry.ResolvedImage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;

/** In production the engine reads images from their registries, through the resolver's caches. */
@ApplicationScoped
public class RegistryImageSource {
  @Produces
  @Singleton
  ImageSource imageSource(ImageResolver resolver) {
    return over(resolver);
  }

  /** The resolver as the engine's source of images (the engine's callers outside CDI: tests, benchmarks). */
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
}
