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
 */
public record ContainerContext(
    String name,
    ContainerKind kind,
    String image,
    ImageReference reference,
    Long runAsUser,
    Boolean runAsNonRoot,
    boolean hasProbe,
    List<EnvLiteral> env) {

  public ContainerContext {
    env = env == null ? List.of() : List.copyOf(env);
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
