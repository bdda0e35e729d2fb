package dev.imagegate.rules;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import java.util.List;

/**
 * An image must be pinned: {@code :latest} (written or implied by a missing tag) moves under a running
 * workload, so two replicas or a restart can run different code. Judged on the reference as written.
 */
public class DisallowLatestTagRule implements Rule {
  public static final String ID = "disallow-latest-tag";

  private static final String LATEST = "latest";

  /**
   * @param allowDigestPinned a digest ({@code @sha256:...}) pins the image whatever the tag says;
   *     default true. When false, only a version tag passes, with or without a digest.
   */
  public record Options(Boolean allowDigestPinned) {
    public Options {
      allowDigestPinned = allowDigestPinned == null || allowDigestPinned;
    }
  }

  private final Options options;

  public DisallowLatestTagRule(ImagegateConfig config) {
    this(config.rule(ID).options(ID, Options.class));
  }

  public DisallowLatestTagRule(Options options) {
    this.options = options;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public boolean needsImage() {
    return false;
  }

  /** An unparseable reference ({@code null}) passes here: the caller reports the parse error itself. */
  @Override
  public List<Violation> check(ContainerContext container, ImageFacts image) {
    ImageReference reference = container.reference();
    if (reference == null
        || (reference.hasDigest() && options.allowDigestPinned())
        || (reference.hasTag() && !isLatest(reference.tag()))) {
      return List.of();
    }
    return List.of(new Violation(ID, reason(reference) + "; " + fix()));
  }

  /** Tags are case-sensitive, but {@code LATEST} is no more a version than {@code latest}. */
  private static boolean isLatest(String tag) {
    return LATEST.equalsIgnoreCase(tag.strip());
  }

  private static String reason(ImageReference reference) {
    if (reference.hasDigest()) {
      return reference.hasTag()
          ? "tag :latest names no version, even with a digest"
          : "a digest alone names no version";
    }
    return reference.hasTag() ? "tag :latest moves as new images are pushed" : "no tag means :latest, which moves";
  }

  private String fix() {
    return options.allowDigestPinned()
        ? "pin a version tag (e.g. :1.27.3) or a digest (@sha256:...)"
        : "pin a version tag (e.g. :1.27.3)";
  }
}
