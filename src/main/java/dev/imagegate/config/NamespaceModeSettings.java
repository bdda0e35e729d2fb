package dev.imagegate.config;

/**
 * Per-namespace modes from the namespace label {@code imagegate.dev/mode}.
 *
 * @param enabled watch namespace labels (list/watch namespaces); unset: on when imagegate runs
 *     in a cluster (a service account token is mounted), off elsewhere
 */
public record NamespaceModeSettings(Boolean enabled) {
  public static NamespaceModeSettings defaults() {
    return new NamespaceModeSettings(null);
  }
}
