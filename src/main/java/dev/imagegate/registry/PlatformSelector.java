package dev.imagegate.registry;

import dev.imagegate.image.Digest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses the entries of an image index to read: every entry a Kubernetes node could run, linux
 * or windows, whatever its architecture. Which of them a container is judged on depends on where
 * its pod can be scheduled, which differs between the pods sharing the image (and its cache
 * entry): the policy engine chooses per container ({@code PlatformChoice}). Attestation entries,
 * entries without a platform and other operating systems are never chosen. The result keeps the
 * index order, each manifest once.
 */
final class PlatformSelector {
  private PlatformSelector() {}

  static List<IndexEntry> select(List<IndexEntry> entries) {
    Set<Digest> digests = new LinkedHashSet<>();
    List<IndexEntry> chosen = new ArrayList<>();
    for (IndexEntry entry : entries) {
      if (entry.hasPlatform() && !entry.isAttestation() && runsOnKubernetes(entry.os()) && digests.add(entry.digest())) {
        chosen.add(entry);
      }
    }
    return chosen;
  }

  private static boolean runsOnKubernetes(String os) {
    return "linux".equalsIgnoreCase(os) || "windows".equalsIgnoreCase(os);
  }
}
