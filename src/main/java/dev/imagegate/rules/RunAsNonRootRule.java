package dev.imagegate.rules;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * A container must not run as root (UID 0). The effective user is the pod spec's {@code runAsUser}
 * when set, else the image's {@code USER}, where an empty USER means root.
 */
@ApplicationScoped
public class RunAsNonRootRule implements Rule {
  public static final String ID = "run-as-non-root";

  /**
   * @param requireNumericUser also reject a non-numeric image USER (e.g. {@code nginx}) when the pod
   *     spec sets no {@code runAsUser}: only a UID says for sure who runs; default false
   */
  public record Options(Boolean requireNumericUser) {
    public Options {
      requireNumericUser = Boolean.TRUE.equals(requireNumericUser);
    }
  }

  private final Options options;

  @Inject
  public RunAsNonRootRule(ImagegateConfig config) {
    this(config.rule(ID).options(Options.class));
  }

  public RunAsNonRootRule(Options options) {
    this.options = options;
  }

  @Override
  public String id() {
    return ID;
  }

  /** Judges every container kind: an init or ephemeral container running as root is still root. */
  @Override
  public List<Violation> check(ContainerContext container, ImageFacts image) {
    return problem(container, image).map(message -> List.of(new Violation(ID, message))).orElse(List.of());
  }

  private Optional<String> problem(ContainerContext container, ImageFacts image) {
    boolean nonRootRequired = Boolean.TRUE.equals(container.runAsNonRoot());
    if (container.runAsUser() != null) {
      if (container.runAsUser() != 0) {
        return Optional.empty();
      }
      return Optional.of(
          nonRootRequired
              ? "runAsUser 0 (root) contradicts runAsNonRoot: true; set a non-zero runAsUser such as 1000"
              : "securityContext.runAsUser is 0 (root); set a non-zero runAsUser such as 1000");
    }
    ImageUser user = ImageUser.of(image.user());
    if (user.isEmpty()) {
      return Optional.of("image runs as root (no USER); add USER 1000 to the Dockerfile or set runAsUser: 1000");
    }
    if (user.isRoot()) {
      return Optional.of(
          "image USER " + user.quoted() + " is root; use a non-root USER such as 1000 or set runAsUser: 1000");
    }
    if (user.isNumeric()) {
      return Optional.empty();
    }
    if (nonRootRequired) {
      // The kubelet checks runAsNonRoot against a UID; with a user name it refuses to start the container.
      return Optional.of(
          "kubelet can't verify runAsNonRoot for named USER " + user.quoted()
              + " and won't start it; use a numeric USER or runAsUser");
    }
    if (options.requireNumericUser()) {
      return Optional.of(
          "image USER " + user.quoted() + " is not numeric; use a numeric USER (e.g. 1000) or set runAsUser");
    }
    return Optional.empty();
  }

  /** The image's {@code USER} as {@code user[:group]}; only the user part decides who runs. */
  private record ImageUser(String written, String user) {
    static ImageUser of(String written) {
      String trimmed = written == null ? "" : written.strip();
      int colon = trimmed.indexOf(':');
      return new ImageUser(trimmed, (colon < 0 ? trimmed : trimmed.substring(0, colon)).strip());
    }

    /** No USER, or only a group ({@code :1000}): the runtime starts the process as root. */
    boolean isEmpty() {
      return user.isEmpty();
    }

    boolean isNumeric() {
      return !user.isEmpty() && user.chars().allMatch(Character::isDigit);
    }

    /** {@code root} or any spelling of UID 0 ({@code 0}, {@code 000}); compared as text, so no overflow. */
    boolean isRoot() {
      return user.equals("root") || (isNumeric() && user.chars().allMatch(c -> c == '0'));
    }

    String quoted() {
      return MessageText.quoted(written);
    }
  }
}
