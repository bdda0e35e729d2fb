package dev.imagegate.rules;

/** Where a container sits in the pod spec; some rules judge only long-running containers. */
public enum ContainerKind {
  CONTAINER,
  INIT,
  /** An init container with {@code restartPolicy: Always}: runs for the pod's whole life. */
  SIDECAR,
  EPHEMERAL;

  public boolean longRunning() {
    return this == CONTAINER || this == SIDECAR;
  }
}
