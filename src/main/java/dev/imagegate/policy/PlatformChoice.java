package dev.imagegate.policy;

import dev.imagegate.config.ConfigException;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.Platform;
import dev.imagegate.registry.PlatformFilter;
import dev.imagegate.rules.PodPlatforms;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Chooses the platforms of an image a container is judged on: those its pod can be scheduled to.
 * The choice needs only the platform names an image index lists, so the resolver reads just the
 * children chosen ({@link #filter}); per container:
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
  record Choice<T>(List<T> judged, String problem) {}

  /** The children of an index the resolver is to read for a pod of these platforms. */
  PlatformFilter filter(PodPlatforms pod) {
    return offered -> choose(pod, offered, name -> name).judged();
  }

  Choice<ImageFacts> choose(PodPlatforms pod, List<ImageFacts> image) {
    return choose(pod, image, ImageFacts::platform);
  }

  /** @param platformOf the {@code os/architecture[/variant]} of an element ({@code unknown} when it names none) */
  <T> Choice<T> choose(PodPlatforms pod, List<T> image, Function<T, String> platformOf) {
    if (image.isEmpty()) {
      return new Choice<>(List.of(), "the image has no linux or windows platform to judge");
    }
    if (pod.constrained()) {
      List<T> allowed = only(image, t -> pod.allows(Platform.osOf(platformOf.apply(t)), Platform.architectureOf(platformOf.apply(t))));
      if (allowed.isEmpty()) {
        return new Choice<>(List.of(), "the pod can only be scheduled to " + pod + ", and the image has only "
            + String.join(", ", image.stream().map(platformOf).distinct().toList()) + ": the pod could not start there");
      }
      List<T> usual = only(allowed, t -> configured(platformOf.apply(t)));
      return new Choice<>(usual.isEmpty() ? allowed : usual, null);
    }
    List<T> usual = only(image, t -> configured(platformOf.apply(t)));
    if (usual.isEmpty()) {
      usual = only(image, t -> "linux".equals(Platform.osOf(platformOf.apply(t))));
    }
    return new Choice<>(usual.isEmpty() ? image : usual, null);
  }

  private boolean configured(String platform) {
    for (Platform p : configured) {
      if (p.matches(Platform.osOf(platform), Platform.architectureOf(platform))) {
        return true;
      }
    }
    return false;
  }

  private static <T> List<T> only(List<T> all, Predicate<T> test) {
    List<T> kept = new ArrayList<>(all.size());
    for (T t : all) {
      if (test.test(t)) {
        kept.add(t);
      }
    }
    return kept.size() == all.size() ? all : kept;
  }
}
