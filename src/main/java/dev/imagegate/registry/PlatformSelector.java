package dev.imagegate.registry;

import dev.imagegate.config.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses the entries of an image index to judge: those whose platform is configured
 * ({@code registries.platforms}); when none is, every linux entry. Attestation entries and entries
 * without a platform are never chosen. The result keeps the index order.
 */
final class PlatformSelector {
  private final List<Platform> wanted;

  PlatformSelector(List<String> platforms) {
    try {
      this.wanted = platforms.stream().map(Platform::parse).toList();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("registries.platforms: " + e.getMessage());
    }
  }

  List<IndexEntry> select(List<IndexEntry> entries) {
    List<IndexEntry> candidates = entries.stream().filter(e -> e.hasPlatform() && !e.isAttestation()).toList();
    List<IndexEntry> chosen = distinct(candidates.stream().filter(e -> wanted.stream().anyMatch(p -> p.matches(e.os(), e.architecture()))).toList());
    if (chosen.isEmpty()) {
      chosen = distinct(candidates.stream().filter(e -> "linux".equalsIgnoreCase(e.os())).toList());
    }
    return chosen;
  }

  private static List<IndexEntry> distinct(List<IndexEntry> entries) {
    Set<String> digests = new LinkedHashSet<>();
    List<IndexEntry> result = new ArrayList<>();
    for (IndexEntry entry : entries) {
      if (digests.add(entry.digest())) {
        result.add(entry);
      }
    }
    return result;
  }
}
