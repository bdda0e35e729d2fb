package dev.imagegate.rules;

import dev.imagegate.image.ImageReference;
import java.util.List;

/**
 * What the pod spec says about one container, already resolved against the pod-level defaults.
 *
 * @param name container name
 * @param kind where the container sits in the pod spec
 * @param image the image exactly as written
 * @param reference the parsed image, or {@code null} when it does not parse
 * @param runAsUser effective {@code securityContext.runAsUser} (container, else pod), or {@code null}
 * @param runAsNonRoot effective {@code securityContext.runAsNonRoot} (container, else pod), or {@code null}
 * @param hasProbe whether the container declares a liveness, readiness or startup probe
 * @param env the container's {@code env} entries with a literal {@code value} (not valueFrom)
 * @param windowsUserName effective {@code securityContext.windowsOptions.runAsUserName} (container, else pod), or {@code null}
 * @param hostUsers the pod's {@code hostUsers} ({@code false}: a user namespace), or {@code null}
 * @param platforms the os and architectures the pod can be scheduled to
 * @param referenceProblem why {@code image} is not a valid reference (from where it was parsed), or null
 */
public record ContainerContext(
    String name,
    ContainerKind kind,
    String image,
    ImageReference reference,
    Long runAsUser,
    Boolean runAsNonRoot,
    boolean hasProbe,
    List<EnvLiteral> env,
    String windowsUserName,
    Boolean hostUsers,
    PodPlatforms platforms,
    String referenceProblem) {

  public ContainerContext {
    env = env == null ? List.of() : List.copyOf(env);
    platforms = platforms == null ? PodPlatforms.ANY : platforms;
  }

  /** A container of a pod with no Windows user, no {@code hostUsers} and no platform constraint. */
  public ContainerContext(String name, ContainerKind kind, String image, ImageReference reference, Long runAsUser,
      Boolean runAsNonRoot, boolean hasProbe, List<EnvLiteral> env) {
    this(name, kind, image, reference, runAsUser, runAsNonRoot, hasProbe, env, null, null, PodPlatforms.ANY, null);
  }

  /** Whether the pod runs in a user namespace ({@code hostUsers: false}): UID 0 inside is not root on the node. */
  public boolean inUserNamespace() {
    return Boolean.FALSE.equals(hostUsers);
  }

  /** A pod-spec env var with a literal value. */
  public record EnvLiteral(String name, String value) {
    /** The value may be a secret: never print it. */
    @Override
    public String toString() {
      return "EnvLiteral[name=" + name + ", value=<" + (value == null ? 0 : value.length()) + " chars>]";
    }
  }
}
