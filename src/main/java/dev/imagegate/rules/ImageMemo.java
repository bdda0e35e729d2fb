package dev.imagegate.rules;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.imagegate.image.ImageFacts;
import java.util.function.Function;

/**
 * What a rule concludes from an image alone, computed once per image. Performance: image facts are
 * immutable and the resolver's cache serves the same object to every admission, so the image side of
 * a rule runs once per image, not on every admission. Keyed by identity and weakly: an entry goes when
 * the resolver's cache drops the facts.
 */
final class ImageMemo<V> {
  private final Cache<ImageFacts, V> values = Caffeine.newBuilder().weakKeys().executor(Runnable::run).build();
  private final Function<ImageFacts, V> compute;

  ImageMemo(Function<ImageFacts, V> compute) {
    this.compute = compute;
  }

  V get(ImageFacts image) {
    return values.get(image, compute);
  }
}
