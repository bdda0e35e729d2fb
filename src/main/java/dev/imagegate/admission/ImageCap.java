package dev.imagegate.admission;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.Mode;
import dev.imagegate.policy.Finding;
import dev.imagegate.policy.ImageGlob;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.rules.ContainerContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code limits.maxImagesPerRequest}: at most that many distinct images of one request are read
 * from registries. Containers whose image comes after the first {@code max} distinct ones are not
 * judged; one {@code image-unavailable} finding (on the first of them) says how many and why, so a
 * pod of 10,000 distinct images gets its verdict at once instead of 10,000 registry reads.
 *
 * <p>Counted: parseable references (by normalised name), not exempt by {@code exemptions.images}
 * (those are never read). Unparseable references and exempt images cost no registry work and are
 * always passed on.
 */
@ApplicationScoped
public class ImageCap {
  private final int max;
  private final ImageGlob exempt;
  private final PolicyEngine engine;

  @Inject
  public ImageCap(ImagegateConfig config, PolicyEngine engine) {
    this.max = config.limits().maxImagesPerRequest();
    this.exempt = new ImageGlob(config.exemptions().images());
    this.engine = engine;
  }

  /** The containers to judge, and the finding for the ones left out (none when within the cap). */
  public record Capped(List<ContainerContext> judged, List<Finding> findings) {}

  public Capped apply(List<ContainerContext> containers, Mode namespaceMode) {
    if (containers.size() <= max) {
      return new Capped(containers, List.of()); // the usual pod: nothing to count
    }
    Set<String> kept = new HashSet<>();
    Set<String> over = new HashSet<>();
    List<ContainerContext> judged = new ArrayList<>(Math.min(containers.size(), max));
    ContainerContext firstLeftOut = null;
    int leftOut = 0;
    for (ContainerContext container : containers) {
      if (container.reference() == null || exempt.matches(container.image(), container.reference())) {
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
        engine.modeIn(PolicyEngine.IMAGE_UNAVAILABLE, namespaceMode));
    return new Capped(judged, List.of(finding));
  }
}
