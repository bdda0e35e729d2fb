package dev.imagegate.registry;

import dev.imagegate.image.ImageFacts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The platforms of one index mostly repeat each other's env entries and history lines: the facts
 * cached for the index keep one copy of each equal string, so caching every platform costs little
 * more heap than caching one.
 */
final class SharedStrings {
  private SharedStrings() {}

  static List<ImageFacts> across(List<ImageFacts> platforms) {
    if (platforms.size() < 2) {
      return platforms;
    }
    Map<String, String> seen = new HashMap<>();
    List<ImageFacts> shared = new ArrayList<>(platforms.size());
    for (ImageFacts f : platforms) {
      shared.add(new ImageFacts(f.platform(), f.configDigest(), f.user(), f.healthcheckTest(), share(f.env(), seen),
          share(f.history(), seen), f.envOmitted(), f.historyOmitted(), f.osVersion()));
    }
    return shared;
  }

  private static List<String> share(List<String> strings, Map<String, String> seen) {
    List<String> shared = new ArrayList<>(strings.size());
    for (String s : strings) {
      shared.add(seen.computeIfAbsent(s, k -> k));
    }
    return shared;
  }
}
