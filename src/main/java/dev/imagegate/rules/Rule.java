package dev.imagegate.rules;

import dev.imagegate.image.ImageFacts;
import java.util.List;

/**
 * One container best practice. A rule never does I/O: it judges what the admission layer and the
 * registry layer already found. Each configuration in force builds its own rules ({@link Rules}),
 * so a rule takes its options in its constructor; adding one is adding one class and its constructor
 * to {@link Rules}.
 */
public interface Rule {

  /** Stable id, part of the interface: config keys, messages, metrics and reports use it. */
  String id();

  /** False for rules judged on the pod spec alone; those run even when the registry cannot be reached. */
  default boolean needsImage() {
    return true;
  }

  /**
   * False for the optional rules: they judge only where the configuration sets their {@code mode}, so
   * that adding one changes no cluster's behaviour on upgrade.
   */
  default boolean onByDefault() {
    return true;
  }

  /**
   * @param container the container as the pod spec declares it
   * @param image the image config facts of one platform; {@code null} when {@link #needsImage()} is false
   * @return what is wrong, empty when the container passes
   */
  List<Violation> check(ContainerContext container, ImageFacts image);

  /**
   * What a rule that needs the image can still tell from the pod spec alone, when the image could not
   * be read (the registry failed, {@code imagegate check --offline}): a violation the pod spec carries
   * by itself is one whatever the image holds. Empty: the rule is not evaluated.
   */
  default List<Violation> checkWithoutImage(ContainerContext container) {
    return List.of();
  }
}
