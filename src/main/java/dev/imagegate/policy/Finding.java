package dev.imagegate.policy;

import dev.imagegate.config.Mode;
import dev.imagegate.registry.ErrorReason;

/**
 * A violation found in one container, with the mode that decides what it does.
 *
 * @param container container name
 * @param image the image as written in the pod spec
 * @param ruleId the rule (or {@link PolicyEngine#IMAGE_REFERENCE} / {@link PolicyEngine#IMAGE_UNAVAILABLE})
 * @param message what is wrong and how to fix it; never a secret value
 * @param mode enforce denies, warn warns, audit only records
 * @param reason why the image could not be read, as the registry client decided it where the failure
 *     was detected ({@link ErrorReason#TIMEOUT} for a read not answered by the deadline), so that no
 *     one parses the message for it; null for every other finding, including the
 *     {@code image-unavailable} ones that are no read failure (too many images, no platform to judge)
 */
public record Finding(String container, String image, String ruleId, String message, Mode mode, ErrorReason reason) {

  /** A finding that is not about a failed image read. */
  public Finding(String container, String image, String ruleId, String message, Mode mode) {
    this(container, image, ruleId, message, mode, null);
  }

  /** {@code container "NAME" (IMAGE): [RULE-ID] message}: the line users see in denials. */
  public String describe() {
    return "container \"" + container + "\" (" + image + "): [" + ruleId + "] " + message;
  }
}
