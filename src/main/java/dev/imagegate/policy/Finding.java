package dev.imagegate.policy;

import dev.imagegate.config.Mode;

/**
 * A violation found in one container, with the mode that decides what it does.
 *
 * @param container container name
 * @param image the image as written in the pod spec
 * @param ruleId the rule (or {@link PolicyEngine#IMAGE_REFERENCE} / {@link PolicyEngine#IMAGE_UNAVAILABLE})
 * @param message what is wrong and how to fix it; never a secret value
 * @param mode enforce denies, warn warns, audit only records
 */
public record Finding(String container, String image, String ruleId, String message, Mode mode) {

  /** {@code container "NAME" (IMAGE): [RULE-ID] message}: the line users see in denials. */
  public String describe() {
    return "container \"" + container + "\" (" + image + "): [" + ruleId + "] " + message;
  }
}
