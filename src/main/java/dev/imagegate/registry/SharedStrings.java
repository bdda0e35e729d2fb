package dev.imagegate.registry;

import dev.imagegate.image.ImageFacts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The children of one index mostly repeat each other's env entries and history lines: a child's
 * facts keep the copy of each equal string its siblings already cached hold, so caching every
 * platform costs little more heap than caching one.
 */
final class SharedStrings {
  private SharedStrings() {}

  static ImageFacts with(ImageFacts facts, List<ImageFacts> siblings) {
    if (siblings.isEmpty()) {
      return facts;
    }
    Map<String, String> seen = new HashMap<>();
    for (ImageFacts sibling : siblings) {
      sibling.env().forEach(s -> seen.putIfAbsent(s, s));
      sibling.history().forEach(s -> seen.putIfAbsent(s, s));
    }
    return new ImageFacts(facts.platform(), facts.configDigest(), facts.user(), facts.healthcheckTest(), share(facts.env(), seen),
        share(facts.history(), seen), facts.envOmitted(), facts.historyOmitted(), facts.osVersion(), facts.exposedPorts(),
        facts.compressedSize(), facts.baseSteps());
  }

  private static List<String> share(List<String> strings, Map<String, String> seen) {
    List<String> shared = new ArrayList<>(strings.size());
    for (String s : strings) {
      shared.add(seen.getOrDefault(s, s));
    }
    return shared;
  }
}
