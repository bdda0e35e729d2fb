package dev.imagegate.policy;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.Mode;
import dev.imagegate.config.OnError;

/**
 * What each finding does, in one place. A namespace's own mode (the label {@code imagegate.dev/mode},
 * read by the caller; null: none) comes in as a {@link Mode}: {@code off} judges nothing there, any
 * other replaces the global {@code mode}; a rule's own {@code rules.<id>.mode} wins over both. An
 * image the registry could not give denies only with {@code registries.onError: deny}, and never
 * more strictly than the namespace's mode.
 */
public final class Modes {
  private final ImagegateConfig config;

  public Modes(ImagegateConfig config) {
    this.config = config;
  }

  /** The mode of a namespace: its label's, else the global one. */
  public Mode base(Mode namespaceMode) {
    return namespaceMode == null ? config.mode() : namespaceMode;
  }

  /** The mode a rule's violations take in a namespace of this mode. */
  public Mode rule(String ruleId, Mode namespaceMode) {
    if (namespaceMode == Mode.OFF) {
      return Mode.OFF;
    }
    Mode own = config.rule(ruleId).mode();
    return own != null ? own : base(namespaceMode);
  }

  /** The mode of an {@code image-unavailable} finding in a namespace of this mode. */
  public Mode imageUnavailable(Mode namespaceMode) {
    if (namespaceMode == Mode.OFF) {
      return Mode.OFF;
    }
    Mode base = base(namespaceMode);
    if (config.registries().onError() == OnError.DENY) {
      return base;
    }
    return base == Mode.AUDIT ? Mode.AUDIT : Mode.WARN;
  }

  /** The mode of an {@code image-reference} finding in a namespace of this mode. */
  public Mode imageReference(Mode namespaceMode) {
    return namespaceMode == Mode.OFF ? Mode.OFF : base(namespaceMode);
  }

  /**
   * The mode a finding of {@code ruleId} (a rule or a pseudo-rule) takes in a namespace of this
   * mode; {@code of(id, ENFORCE)} says whether it would deny once the namespace is enforced.
   */
  public Mode of(String ruleId, Mode namespaceMode) {
    return switch (ruleId) {
      case PolicyEngine.IMAGE_REFERENCE -> imageReference(namespaceMode);
      case PolicyEngine.IMAGE_UNAVAILABLE -> imageUnavailable(namespaceMode);
      default -> rule(ruleId, namespaceMode);
    };
  }
}
