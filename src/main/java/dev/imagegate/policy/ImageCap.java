package dev.imagegate.policy;

import dev.imagegate.config.Mode;
import dev.imagegate.rules.ContainerContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code limits.maxImagesPerRequest}: at most that many distinct images of one workload are read
 * from registries, at admission and in the background audit alike. Containers whose image comes
 * after the first {@code max} distinct ones are not judged; one {@code image-unavailable} finding
 * (on the first of them) says how many and why, so a pod of 10,000 distinct images gets its verdict
 * at once instead of 10,000 registry reads.
 *
 * <p>Counted: parseable references (by normalised name) of containers not exempt by
 * {@code exemptions.images} (the engine drops those before). Unparseable references cost no registry
 * work and are always passed on.
 */
final class ImageCap {
  private final int max;

  ImageCap(int max) {
    this.max = max;
  }

  /** The containers to judge, and the finding for the ones left out (none when within the cap). */
  record Capped(List<ContainerContext> judged, List<Finding> findings) {
    /** The verdict's findings with the cap's first, so that it survives when a long denial message is cut. */
    List<Finding> before(List<Finding> verdict) {
      if (findings.isEmpty()) {
        return verdict;
      }
      List<Finding> all = new ArrayList<>(findings);
      all.addAll(verdict);
      return all;
    }
  }

  /** @param findingMode the mode of an {@code image-unavailable} finding here */
  Capped apply(List<ContainerContext> containers, Mode findingMode) {
    if (containers.size() <= max) {
      return new Capped(containers, List.of()); // the usual pod: nothing to count
    }
    Set<String> kept = new HashSet<>();
    Set<String> over = new HashSet<>();
    List<ContainerContext> judged = new ArrayList<>(Math.min(containers.size(), max));
    ContainerContext firstLeftOut = null;
    int leftOut = 0;
    for (ContainerContext container : containers) {
      if (container.reference() == null) {
        judged.add(container);
        continue;
      }
      String key = container.reference().normalized();
      if (kept.contains(key) || kept.size() < max) {
        kept.add(key);
        judged.add(container);
      } else {
        over.add(key);
        leftOut++;
        if (firstLeftOut == null) {
          firstLeftOut = container;
        }
      }
    }
    if (firstLeftOut == null) {
      return new Capped(containers, List.of());
    }
    String message = "too many distinct images in one request (" + (kept.size() + over.size()) + " > " + max
        + ", limits.maxImagesPerRequest): " + leftOut + (leftOut == 1 ? " container" : " containers")
        + " with " + over.size() + (over.size() == 1 ? " image" : " images")
        + " past the first " + max + " not read nor judged; use fewer images per workload";
    Finding finding = new Finding(firstLeftOut.name(), firstLeftOut.image(), PolicyEngine.IMAGE_UNAVAILABLE, message,
        findingMode);
    return new Capped(judged, List.of(finding));
  }
}
