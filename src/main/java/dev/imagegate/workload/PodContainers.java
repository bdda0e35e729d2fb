package dev.imagegate.workload;

import dev.imagegate.image.ParsedReferences;
import dev.imagegate.registry.PullContext;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.ContainerContext.EnvLiteral;
import dev.imagegate.rules.ContainerKind;
import dev.imagegate.rules.PodPlatforms;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.WindowsSecurityContextOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a pod spec into the containers the engine judges, with pod-level defaults applied and the
 * platforms the pod can be scheduled to ({@link PodPlacement}), for {@link Workloads}.
 */
final class PodContainers {
  private PodContainers() {}

  static List<ContainerContext> of(PodSpec spec) {
    List<ContainerContext> containers = new ArrayList<>();
    if (spec == null) {
      return containers;
    }
    Pod pod = new Pod(spec.getSecurityContext(), spec.getHostUsers(), PodPlacement.of(spec));
    for (Container c : nullSafe(spec.getInitContainers())) {
      ContainerKind kind = "Always".equals(c.getRestartPolicy()) ? ContainerKind.SIDECAR : ContainerKind.INIT;
      containers.add(context(kind, c.getName(), c.getImage(), c.getSecurityContext(), pod,
          c.getLivenessProbe() != null || c.getReadinessProbe() != null || c.getStartupProbe() != null, c.getEnv()));
    }
    for (Container c : nullSafe(spec.getContainers())) {
      containers.add(context(ContainerKind.CONTAINER, c.getName(), c.getImage(), c.getSecurityContext(), pod,
          c.getLivenessProbe() != null || c.getReadinessProbe() != null || c.getStartupProbe() != null, c.getEnv()));
    }
    for (EphemeralContainer c : nullSafe(spec.getEphemeralContainers())) {
      containers.add(context(ContainerKind.EPHEMERAL, c.getName(), c.getImage(), c.getSecurityContext(), pod, false, c.getEnv()));
    }
    return containers;
  }

  /** What the kubelet would pull this pod's images with: its namespace, service account and pull secret names. */
  static PullContext pullContext(String namespace, PodSpec spec) {
    if (spec == null) {
      return new PullContext(namespace, null, List.of());
    }
    List<String> secrets = new ArrayList<>();
    for (LocalObjectReference secret : nullSafe(spec.getImagePullSecrets())) {
      if (secret != null && secret.getName() != null) {
        secrets.add(secret.getName());
      }
    }
    return new PullContext(namespace, spec.getServiceAccountName(), secrets);
  }

  /** What every container of the pod shares. */
  private record Pod(PodSecurityContext security, Boolean hostUsers, PodPlatforms platforms) {}

  private static ContainerContext context(ContainerKind kind, String name, String image, SecurityContext own,
      Pod p, boolean hasProbe, List<EnvVar> env) {
    String written = image == null ? "" : image;
    PodSecurityContext pod = p.security();
    Long runAsUser = own != null && own.getRunAsUser() != null ? own.getRunAsUser() : pod == null ? null : pod.getRunAsUser();
    Boolean runAsNonRoot =
        own != null && own.getRunAsNonRoot() != null ? own.getRunAsNonRoot() : pod == null ? null : pod.getRunAsNonRoot();
    String windowsUser = windowsUser(own == null ? null : own.getWindowsOptions());
    if (windowsUser == null) {
      windowsUser = windowsUser(pod == null ? null : pod.getWindowsOptions());
    }
    List<EnvLiteral> literals = List.of();
    for (EnvVar var : nullSafe(env)) {
      if (var.getValue() != null && var.getValueFrom() == null) {
        literals = literals.isEmpty() ? new ArrayList<>() : literals;
        literals.add(new EnvLiteral(var.getName(), var.getValue()));
      }
    }
    // an invalid reference: the engine reports why (the parser's message), as an image-reference finding
    ParsedReferences.Parsed parsed = ParsedReferences.parse(written);
    return new ContainerContext(name == null ? "" : name, kind, written, parsed.reference(), runAsUser,
        runAsNonRoot, hasProbe, literals, windowsUser, p.hostUsers(), p.platforms(), parsed.problem());
  }

  private static String windowsUser(WindowsSecurityContextOptions options) {
    return options == null || options.getRunAsUserName() == null || options.getRunAsUserName().isEmpty()
        ? null : options.getRunAsUserName();
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }
}
