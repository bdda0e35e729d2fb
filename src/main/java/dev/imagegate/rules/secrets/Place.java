package dev.imagegate.rules.secrets;

/** Where an environment variable or build argument was found; each place has its own fix. */
public enum Place {
  IMAGE_ENV("image env", "pass it at runtime from a Secret"),
  /** An {@code ENV} line in the image history: the value stays readable even if a later ENV replaced it. */
  HISTORY_ENV("ENV in image history", "pass it at runtime from a Secret"),
  /** A build argument ({@code ARG}): its value is recorded in the history of every layer built with it. */
  BUILD_ARG("build argument in history", "use RUN --mount=type=secret instead of ARG"),
  POD_ENV("pod env", "use valueFrom.secretKeyRef instead of a literal value");

  private final String label;
  private final String fix;

  Place(String label, String fix) {
    this.label = label;
    this.fix = fix;
  }

  /** How a message names the place, e.g. {@code image env}. */
  public String label() {
    return label;
  }

  /** What to do instead, as a clause that completes a message. */
  public String fix() {
    return fix;
  }

  /**
   * Places reported once per key: an image's ENV appears both in its config and in its history, and
   * one Dockerfile change fixes both.
   */
  public Place reportedAs() {
    return this == HISTORY_ENV ? IMAGE_ENV : this;
  }
}
