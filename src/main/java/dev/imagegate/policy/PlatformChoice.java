package dev.imagegate.policy;

import dev.imagegate.config.ConfigException;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.Platform;
import dev.imagegate.rules.PodPlatforms;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Chooses the platforms of an image a container is judged on: those its pod can be scheduled to.
 * The resolver reads every linux and windows platform of an index (one cache entry for all pods);
 * this picks, per container:
 *
 * <ol>
 *   <li>a pod constrained to some os/architectures: those of the image's platforms it allows that
 *       are in {@code registries.platforms} (the cluster's usual nodes), else all it allows (a
 *       Windows pod on a linux+windows index: the windows children); none at all is a
 *       {@linkplain Choice#problem() problem}: the pod could not start there either;</li>
 *   <li>an unconstrained pod: the image's platforms in {@code registries.platforms}, else its linux
 *       ones, else all it has (a Windows-only image is judged as Windows).</li>
 * </ol>
 */
final class PlatformChoice {
  private final List<Platform> configured;

  /** @param platforms {@code registries.platforms}; an invalid one is a configuration error naming the key */
  PlatformChoice(List<String> platforms) {
    try {
      this.configured = platforms.stream().map(Platform::parse).toList();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("registries.platforms: " + e.getMessage());
    }
  }

  /**
   * @param judged the platforms to run the rules on (empty when {@code problem} is set)
   * @param problem why none can be judged, or null
   */
  record Choice(List<ImageFacts> judged, String problem) {}

  Choice choose(PodPlatforms pod, List<ImageFacts> image) {
    if (image.isEmpty()) {
      return new Choice(List.of(), "the image has no linux or windows platform to judge");
    }
    if (pod.constrained()) {
      List<ImageFacts> allowed = only(image, f -> pod.allows(f.os(), f.architecture()));
      if (allowed.isEmpty()) {
        return new Choice(List.of(), "the pod can only be scheduled to " + pod + ", and the image has only "
            + platforms(image) + ": the pod could not start there");
      }
      List<ImageFacts> usual = only(allowed, this::configured);
      return new Choice(usual.isEmpty() ? allowed : usual, null);
    }
    List<ImageFacts> usual = only(image, this::configured);
    if (usual.isEmpty()) {
      usual = only(image, f -> "linux".equals(f.os()));
    }
    return new Choice(usual.isEmpty() ? image : usual, null);
  }

  private boolean configured(ImageFacts facts) {
    for (Platform platform : configured) {
      if (platform.matches(facts.os(), facts.architecture())) {
        return true;
      }
    }
    return false;
  }

  private static List<ImageFacts> only(List<ImageFacts> facts, Predicate<ImageFacts> test) {
    List<ImageFacts> kept = new ArrayList<>(facts.size());
    for (ImageFacts f : facts) {
      if (test.test(f)) {
        kept.add(f);
      }
    }
    return kept.size() == facts.size() ? facts : kept;
  }

  private static String platforms(List<ImageFacts> facts) {
    return String.join(", ", facts.stream().map(ImageFacts::platform).distinct().toList());
  }
}
