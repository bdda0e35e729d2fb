package dev.imagegate.cli;

import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.DiskCache;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.ContainerKind;
import dev.imagegate.rules.Rule;
import dev.imagegate.rules.secrets.StandIns;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The registry's disk cache for {@code imagegate check} ({@link CheckMode} sets where and how long);
 * {@link DiskCache#NONE} for the webhook, {@code --no-cache} and {@code --offline}. What it writes
 * of an image is its facts with stand-ins for every value ({@link StandIns}), and only when every
 * rule judges the stand-ins exactly as it judged the real facts: a run that reads them gives the
 * verdict a run that read the registry gives.
 */
@ApplicationScoped
public class DiskCacheProducer {
  /** A container that says nothing of its own: what a rule concludes for it comes from the image alone. */
  private static final ContainerContext IMAGE_ALONE = new ContainerContext("image", ContainerKind.CONTAINER, "cache.invalid/image:1",
      ImageReference.parse("cache.invalid/image:1"), null, null, false, List.of());

  /** Empty: no disk cache. */
  @ConfigProperty(name = "imagegate.cli.cache-dir")
  Optional<String> dir;

  /** ISO-8601, as {@link CheckMode} writes it. */
  @ConfigProperty(name = "imagegate.cli.cache-ttl", defaultValue = "P7D")
  String ttl;

  @Produces
  @Singleton
  DiskCache diskCache(@All List<Rule> rules) {
    if (dir.isEmpty() || dir.get().isBlank()) {
      return DiskCache.NONE;
    }
    return DiskCache.open(Path.of(dir.get()), Duration.parse(ttl), facts -> sealed(facts, rules),
        message -> System.err.println("imagegate check: warning: " + message), Clock.systemUTC());
  }

  /** The facts with stand-ins, when every rule judges them alike; else empty (not written). */
  static Optional<ImageFacts> sealed(ImageFacts facts, List<Rule> rules) {
    return StandIns.of(facts).filter(sealed -> rules.stream().allMatch(rule -> rule.check(IMAGE_ALONE, facts).equals(rule.check(IMAGE_ALONE, sealed))));
  }
}
