package dev.imagegate.admission;

import dev.imagegate.image.ImageReference;
import dev.imagegate.image.ParsedReferences;
import dev.imagegate.registry.Deadline;
import dev.imagegate.registry.PullContext;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The images the cluster's pods run, most used first, from one paged list of every pod. Of each pod
 * only its namespace, service account, pull secret names and image references are kept; a page is
 * dropped as soon as it is read.
 */
final class PodImages {
  /** Pods per page: small, since a page is held whole while those few fields are read from it. */
  static final long PAGE = 100;

  /** One image as the pods running it pull it, and how many of them do. */
  record Wanted(ImageReference reference, PullContext pod, int pods) {}

  /**
   * @param images most used first
   * @param pods running pods read
   * @param error why the list stopped before its end (the API failed, or the deadline came), or null
   */
  record Listing(List<Wanted> images, int pods, String error) {}

  private record Key(ImageReference reference, PullContext pod) {}

  private PodImages() {}

  /**
   * @param perPod keep each pod's pull context ({@code registries.usePullSecrets}: what one pod may
   *     read, another may not); without it every pod reads alike
   * @param skipped namespaces whose pods are left out (exempt: admission reads nothing there)
   */
  static Listing list(KubernetesClient client, boolean perPod, Predicate<String> skipped, Deadline deadline) {
    Map<Key, Integer> counts = new HashMap<>();
    Map<PullContext, PullContext> contexts = new HashMap<>(); // one instance per distinct context
    int pods = 0;
    String error = null;
    String next = null;
    try {
      do {
        if (deadline.expired()) {
          error = "cache.prewarmBudget ran out while listing pods";
          break;
        }
        PodList page = client.pods().inAnyNamespace().list(new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build());
        for (Pod pod : page.getItems()) {
          if (running(pod) && !skipped.test(pod.getMetadata().getNamespace())) {
            pods++;
            PullContext context = perPod ? contexts.computeIfAbsent(pullContext(pod), c -> c) : PullContext.NONE;
            for (ImageReference image : images(pod.getSpec())) {
              counts.merge(new Key(image, context), 1, Integer::sum);
            }
          }
        }
        next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
      } while (next != null && !next.isEmpty());
    } catch (RuntimeException e) {
      error = "listing pods failed: " + KubernetesAccess.describe(e);
    }
    List<Wanted> images = new ArrayList<>(counts.size());
    counts.forEach((key, count) -> images.add(new Wanted(key.reference(), key.pod(), count)));
    images.sort(Comparator.comparingInt(Wanted::pods).reversed().thenComparing(w -> w.reference().original()));
    return new Listing(images, pods, error);
  }

  /** Finished pods run nothing; a pod not yet scheduled will. */
  private static boolean running(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return pod.getSpec() != null && pod.getMetadata() != null && !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  private static PullContext pullContext(Pod pod) {
    List<LocalObjectReference> secrets = pod.getSpec().getImagePullSecrets();
    return new PullContext(pod.getMetadata().getNamespace(), pod.getSpec().getServiceAccountName(),
        secrets == null ? List.of() : secrets.stream().map(LocalObjectReference::getName).toList());
  }

  /** The valid references of its containers and init containers, each once. */
  private static List<ImageReference> images(PodSpec spec) {
    List<ImageReference> images = new ArrayList<>();
    for (List<Container> containers : List.of(listOrEmpty(spec.getInitContainers()), listOrEmpty(spec.getContainers()))) {
      for (Container container : containers) {
        ImageReference reference = ParsedReferences.parse(container.getImage()).reference();
        if (reference != null && !images.contains(reference)) {
          images.add(reference);
        }
      }
    }
    return images;
  }

  private static List<Container> listOrEmpty(List<Container> containers) {
    return containers == null ? List.of() : containers;
  }
}
