package dev.imagegate.config;

import java.util.List;

/**
 * Workloads that are not judged.
 *
 * @param namespaces namespaces whose admissions are allowed without looking at images
 * @param images glob patterns ({@code *} any run of characters, {@code ?} one) matched against the
 *     image as written and against its fully normalised form
 */
public record Exemptions(List<String> namespaces, List<String> images) {
  public static final Exemptions NONE = new Exemptions(List.of(), List.of());

  public Exemptions {
    namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    images = images == null ? List.of() : List.copyOf(images);
  }
}
