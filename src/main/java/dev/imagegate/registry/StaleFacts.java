package dev.imagegate.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * Why an image was judged on facts its registry did not confirm just now: re-checking them failed
 * for a transient reason, and they were younger than {@code cache.staleIfError}.
 *
 * @param registry the image's registry host as written in the pod spec ({@code docker.io}), as in the metrics
 * @param age how long ago the registry last confirmed them
 * @param reason why the re-check failed (always {@linkplain ErrorReason#isTransient() transient})
 */
public record StaleFacts(String registry, Duration age, ErrorReason reason) {
  public StaleFacts {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(age, "age");
    Objects.requireNonNull(reason, "reason");
  }
}
