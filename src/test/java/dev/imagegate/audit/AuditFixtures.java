package dev.imagegate.audit;

import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.registry.ImageResolver;
import dev.imagegate.registry.RegistryTesting;
import dev.imagegate.rules.DisallowLatestTagRule;
import dev.imagegate.rules.NoSecretsInEnvRule;
import dev.imagegate.rules.RequireHealthcheckRule;
import dev.imagegate.rules.RunAsNonRootRule;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.TestImages;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.List;

/**
 * The real engine and rules over a real registry (standing in for Docker Hub through a mirror),
 * holding images shaped like the official ones; and pod specs that pass or break rules.
 */
final class AuditFixtures implements AutoCloseable {
  final LocalRegistry registry;
  final ImagegateConfig config;
  final ImageResolver resolver;
  final PolicyEngine engine;

  private AuditFixtures(LocalRegistry registry, String extraYaml) {
    this.registry = registry;
    this.config = ConfigLoader.parse("""
        mode: enforce
        registries:
          mirrors:
            docker.io: http://%1$s
          insecure: ["%1$s"]
          timeout: 3s
        """.formatted(registry.hostPort()) + extraYaml);
    this.resolver = RegistryTesting.resolver(config.registries()).cache(config.cache()).build();
    this.engine = new PolicyEngine(config, List.of(new RunAsNonRootRule(config), new RequireHealthcheckRule(config),
        new DisallowLatestTagRule(config), new NoSecretsInEnvRule(config)), resolver::resolve);
  }

  /** Starts a registry with nginx 1.27 and latest, kong 3.8 and acme/leaky 1.0 (AWS keys in ENV). */
  static AuditFixtures start(String name, String extraYaml) {
    LocalRegistry registry = LocalRegistry.startPlain(name);
    try {
      TestImages images = TestImages.in(registry);
      images.push("library/nginx", "1.27", TestImages.nginx());
      images.push("library/nginx", "latest", TestImages.nginx());
      images.push("library/kong", "3.8", TestImages.kong());
      images.push("acme/leaky", "1.0", TestImages.leaky());
      return new AuditFixtures(registry, extraYaml);
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /** The same registry with another configuration. */
  AuditFixtures with(String extraYaml) {
    return new AuditFixtures(registry, extraYaml);
  }

  /** Runs as a numeric non-root user with a readiness probe: passes every rule (given a clean, pinned image). */
  static Container wellBehaved(String name, String image) {
    return new ContainerBuilder().withName(name).withImage(image)
        .withNewSecurityContext().withRunAsUser(10001L).withRunAsNonRoot(true).endSecurityContext()
        .withNewReadinessProbe().withNewHttpGet().withPath("/healthz").withNewPort(8080).endHttpGet().endReadinessProbe()
        .build();
  }

  static PodSpec good() {
    return spec(wellBehaved("web", "nginx:1.27"));
  }

  /** nginx as it comes: root, no probe (run-as-non-root and require-healthcheck). */
  static PodSpec root() {
    return spec(new ContainerBuilder().withName("web").withImage("nginx:1.27").build());
  }

  /** {@code nginx:latest} (disallow-latest-tag). */
  static PodSpec latest() {
    return spec(wellBehaved("web", "nginx:latest"));
  }

  /** AWS keys in the image's ENV (no-secrets-in-env). */
  static PodSpec leaky() {
    return spec(wellBehaved("app", "acme/leaky:1.0"));
  }

  /** An image the registry does not have: the rules that read images cannot judge it. */
  static PodSpec ghost() {
    return spec(wellBehaved("app", "acme/ghost:9.9"));
  }

  static PodSpec kong() {
    return spec(wellBehaved("gw", "kong:3.8"));
  }

  static PodSpec spec(Container... containers) {
    return new PodSpecBuilder().withContainers(containers).build();
  }

  /** Closes the resolver; the registry stays for {@link #close()}. */
  void closeResolver() {
    resolver.close();
  }

  @Override
  public void close() {
    resolver.close();
    registry.close();
  }
}
