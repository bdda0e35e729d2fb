package dev.imagegate.rules;

import dev.imagegate.image.ImageFacts;
import java.util.List;

/**
 * An optional rule judged on the image's build history alone: the same for every container of an
 * image, so judged once per image.
 */
abstract class HistoryRule extends OptionalRule {
  private final ImageMemo<List<Violation>> violations = new ImageMemo<>(this::judge);

  HistoryRule(String id) {
    super(id);
  }

  @Override
  public List<Violation> check(ContainerContext container, ImageFacts image) {
    return violations.get(image);
  }

  /** What is wrong with the image's history, empty when nothing. */
  protected abstract List<Violation> judge(ImageFacts image);
}
