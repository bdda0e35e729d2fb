package dev.imagegate.rules;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import java.util.List;

/**
 * A long-running container must say how to tell it is healthy: a {@code HEALTHCHECK} in its image,
 * or (by default) a Kubernetes probe, which is what the kubelet actually runs.
 */
public class RequireHealthcheckRule implements Rule {
  public static final String ID = "require-healthcheck";

  /**
   * @param acceptProbes a liveness, readiness or startup probe in the pod spec counts as a health
   *     check; default true (the kubelet ignores the image's HEALTHCHECK and runs probes instead)
   */
  public record Options(Boolean acceptProbes) {
    public Options {
      acceptProbes = acceptProbes == null || acceptProbes;
    }
  }

  private final Options options;

  public RequireHealthcheckRule(ImagegateConfig config) {
    this(config.rule(ID).options(ID, Options.class));
  }

  public RequireHealthcheckRule(Options options) {
    this.options = options;
  }

  @Override
  public String id() {
    return ID;
  }

  /** Init and ephemeral containers run to completion or on demand: there is no health to check. */
  @Override
  public List<Violation> check(ContainerContext container, ImageFacts image) {
    if (!container.kind().longRunning()
        || (options.acceptProbes() && container.hasProbe())
        || declaresHealthcheck(image.healthcheckTest())) {
      return List.of();
    }
    return List.of(new Violation(ID, reason(image.healthcheckTest()) + "; " + fix()));
  }

  /** {@code ["NONE"]} is Docker's way to switch off a check inherited from the base image. */
  private static boolean declaresHealthcheck(List<String> test) {
    return test != null && !test.isEmpty() && !isDisabled(test);
  }

  private static boolean isDisabled(List<String> test) {
    return "NONE".equals(test.get(0).strip());
  }

  private String reason(List<String> test) {
    boolean disabled = test != null && !test.isEmpty();
    if (options.acceptProbes()) {
      return (disabled ? "image HEALTHCHECK is NONE" : "image has no HEALTHCHECK") + " and no probe is set";
    }
    return disabled ? "image HEALTHCHECK is NONE (disabled)" : "image has no HEALTHCHECK";
  }

  private String fix() {
    return options.acceptProbes()
        ? "add a HEALTHCHECK to the Dockerfile or a liveness/readiness probe"
        : "add a HEALTHCHECK to the Dockerfile (probes do not count under this policy)";
  }
}
