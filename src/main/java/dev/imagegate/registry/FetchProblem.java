package dev.imagegate.registry;

/**
 * A failure our own code detected (not jib-core's), with a message that is safe to show: it names
 * no credentials and no raw registry output.
 */
final class FetchProblem extends Exception {
  private final ErrorReason reason;

  FetchProblem(ErrorReason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  ErrorReason reason() {
    return reason;
  }
}
