package dev.imagegate.policy;

import dev.imagegate.registry.ImageResolver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** In production the engine reads images from their registries, through the resolver's caches. */
@ApplicationScoped
class RegistryImageSource {
  @Produces
  @Singleton
  ImageSource imageSource(ImageResolver resolver) {
    return resolver::resolve;
  }
}
