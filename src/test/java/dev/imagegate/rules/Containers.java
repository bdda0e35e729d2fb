package dev.imagegate.rules;

import dev.imagegate.image.ImageReference;
import java.util.ArrayList;
import java.util.List;

/** Builds a {@link ContainerContext}; by default a plain app container with a version-tagged image. */
public final class Containers {
  /** Distinctive, so a test can assert that no message repeats it (the caller prefixes it). */
  public static final String NAME = "checkout-api";

  public static final ImageReference PINNED =
      new ImageReference("registry.example.com/shop/checkout-api:1.4.2", "registry.example.com", "shop/checkout-api", "1.4.2", null);

  private String name = NAME;
  private ContainerKind kind = ContainerKind.CONTAINER;
  private String image = PINNED.original();
  private ImageReference reference = PINNED;
  private String referenceProblem;
  private Long runAsUser;
  private Boolean runAsNonRoot;
  private boolean hasProbe;
  private final List<ContainerContext.EnvLiteral> env = new ArrayList<>();
  private String windowsUserName;
  private Boolean hostUsers;
  private PodPlatforms platforms = PodPlatforms.ANY;

  private Containers() {}

  public static Containers container() {
    return new Containers();
  }

  public Containers name(String name) {
    this.name = name;
    return this;
  }

  public Containers kind(ContainerKind kind) {
    this.kind = kind;
    return this;
  }

  public Containers image(ImageReference reference) {
    this.image = reference.original();
    this.reference = reference;
    this.referenceProblem = null;
    return this;
  }

  /** An image the reference parser rejected: the context carries no parsed reference. */
  public Containers unparseableImage(String written) {
    this.image = written;
    this.reference = null;
    this.referenceProblem = dev.imagegate.image.ParsedReferences.parse(written).problem();
    return this;
  }

  public Containers runAsUser(long uid) {
    this.runAsUser = uid;
    return this;
  }

  public Containers runAsNonRoot(boolean runAsNonRoot) {
    this.runAsNonRoot = runAsNonRoot;
    return this;
  }

  public Containers withProbe() {
    this.hasProbe = true;
    return this;
  }

  public Containers env(String name, String value) {
    env.add(new ContainerContext.EnvLiteral(name, value));
    return this;
  }

  /** {@code securityContext.windowsOptions.runAsUserName}, already resolved against the pod's. */
  public Containers windowsUserName(String user) {
    this.windowsUserName = user;
    return this;
  }

  /** The pod's {@code hostUsers} ({@code false}: a user namespace). */
  public Containers hostUsers(boolean hostUsers) {
    this.hostUsers = hostUsers;
    return this;
  }

  public Containers platforms(PodPlatforms platforms) {
    this.platforms = platforms;
    return this;
  }

  public ContainerContext build() {
    return new ContainerContext(name, kind, image, reference, runAsUser, runAsNonRoot, hasProbe, env, windowsUserName, hostUsers,
        platforms, referenceProblem);
  }
}
