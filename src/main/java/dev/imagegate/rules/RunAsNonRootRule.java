package dev.imagegate.rules;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.text.ExternalText;
import java.util.List;
import java.util.Optional;

/**
 * A container must not run as root (UID 0). The effective user is the pod spec's {@code runAsUser}
 * when set, else the image's {@code USER}, where an empty USER means root.
 *
 * <p>On a Windows platform the administrator is {@code ContainerAdministrator}: the effective user
 * is {@code securityContext.windowsOptions.runAsUserName} (container, else pod) when set, else the
 * image's {@code USER}, where an empty USER means {@code ContainerAdministrator}. Linux's
 * {@code runAsUser} does not apply there.
 */
public class RunAsNonRootRule implements Rule {
  public static final String ID = "run-as-non-root";

  /** Windows' built-in administrator account in a container; compared ignoring case, as Windows does. */
  static final String WINDOWS_ADMINISTRATOR = "ContainerAdministrator";

  /**
   * @param requireNumericUser also reject a non-numeric image USER (e.g. {@code nginx}) when the pod
   *     spec sets no {@code runAsUser}: only a UID says for sure who runs; default false
   * @param allowUserNamespaces let a pod with {@code hostUsers: false} run as UID 0: in a user
   *     namespace UID 0 in the container is an unprivileged UID on the node; default false
   */
  public record Options(Boolean requireNumericUser, Boolean allowUserNamespaces) {
    public Options {
      requireNumericUser = Boolean.TRUE.equals(requireNumericUser);
      allowUserNamespaces = Boolean.TRUE.equals(allowUserNamespaces);
    }

    public Options(Boolean requireNumericUser) {
      this(requireNumericUser, null);
    }
  }

  private final Options options;

  public RunAsNonRootRule(ImagegateConfig config) {
    this(config.rule(ID).options(ID, Options.class));
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
    if (image.isWindows()) {
      return windowsProblem(container, image);
    }
    boolean nonRootRequired = Boolean.TRUE.equals(container.runAsNonRoot());
    if (options.allowUserNamespaces() && container.inUserNamespace() && !nonRootRequired) {
      // UID 0 in a user namespace is not root on the node. With runAsNonRoot the kubelet still
      // refuses to start a UID 0 or named user, so that is judged as usual.
      return Optional.empty();
    }
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

  private static Optional<String> windowsProblem(ContainerContext container, ImageFacts image) {
    String set = container.windowsUserName();
    if (set != null) {
      return isAdministrator(set)
          ? Optional.of("windowsOptions.runAsUserName " + ExternalText.quotedInMessage(set) + " is the administrator; use ContainerUser")
          : Optional.empty();
    }
    String user = image.user().strip();
    if (user.isEmpty()) {
      return Optional.of("image runs as ContainerAdministrator (no USER); add USER ContainerUser or set runAsUserName: ContainerUser");
    }
    if (isAdministrator(user)) {
      return Optional.of("image USER " + ExternalText.quotedInMessage(user) + " is the administrator; use USER ContainerUser or runAsUserName");
    }
    return Optional.empty();
  }

  /** {@code ContainerAdministrator} in any case, also as {@code DOMAIN\ContainerAdministrator} or with a group. */
  private static boolean isAdministrator(String user) {
    String name = user.strip();
    int colon = name.indexOf(':');
    name = colon < 0 ? name : name.substring(0, colon);
    int slash = name.lastIndexOf('\\');
    name = slash < 0 ? name : name.substring(slash + 1);
    return name.strip().equalsIgnoreCase(WINDOWS_ADMINISTRATOR);
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
      return ExternalText.quotedInMessage(written);
    }
  }
}
