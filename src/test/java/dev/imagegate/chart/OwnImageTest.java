package dev.imagegate.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.chart.HelmChart.Rendered;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.ContainerKind;
import dev.imagegate.rules.DisallowLatestTagRule;
import dev.imagegate.rules.NoSecretsInEnvRule;
import dev.imagegate.rules.RequireHealthcheckRule;
import dev.imagegate.rules.Rule;
import dev.imagegate.rules.RunAsNonRootRule;
import dev.imagegate.rules.Violation;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * imagegate's own image (built by Jib from application.properties) and its own pods (from the
 * chart) pass imagegate's own rules: imagegate can run in a cluster it guards.
 */
class OwnImageTest {
  private static Properties build;

  @BeforeAll
  static void readBuildConfiguration() throws Exception {
    build = new Properties();
    try (Reader reader = Files.newBufferedReader(Path.of("src", "main", "resources", "application.properties"))) {
      build.load(reader);
    }
  }

  @Test
  void baseImageIsPinnedToAnExactVersion() {
    ImageReference base = ImageReference.parse(build.getProperty("quarkus.jib.base-jvm-image"));
    assertThat(base.registry()).as("an explicit registry, not whatever docker.io resolves to").isNotEqualTo("docker.io");
    assertThat(base.tag()).isNotNull().isNotEqualTo("latest").matches("\\d+(\\.\\d+)+");
  }

  @Test
  void imageRunsAsANumericNonRootUserThatTheChartMatches() {
    String user = build.getProperty("quarkus.jib.user");
    assertThat(user).matches("[1-9]\\d*");
    PodSpec pod = HelmChart.render(Map.of()).one(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(Long.parseLong(user));
    assertThat(pod.getContainers().get(0).getSecurityContext().getRunAsUser()).isEqualTo(Long.parseLong(user));
  }

  @Test
  void jvmIsSizedForAContainer() {
    assertThat(build.getProperty("quarkus.jib.jvm-additional-arguments"))
        .contains("-XX:MaxRAMPercentage=50.0", "-XX:+ExitOnOutOfMemoryError");
    assertThat(build.getProperty("quarkus.jib.ports")).isEqualTo("8443,9000");
  }

  /**
   * What the JVM's resident memory held beside its heap at its peak, during the 100,000-pod audit
   * with the chart's JVM (peak RSS 547 MiB with a fully touched 384 MiB heap; docs/benchmarks.md, "Footprint").
   */
  static final long NON_HEAP_MIB = 163;

  @Test
  void theChartsMemoryLimitHoldsTheHeapSizedFromItAndWhatTheJvmUsesBesideItWithHeadroom() {
    String flags = build.getProperty("quarkus.jib.jvm-additional-arguments");
    double percent = Double.parseDouble(flags.replaceAll(".*-XX:MaxRAMPercentage=([0-9.]+).*", "$1"));
    Container container = HelmChart.render(Map.of()).one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    long limitMiB = Quantity.getAmountInBytes(container.getResources().getLimits().get("memory")).longValue() >> 20;
    long requestMiB = Quantity.getAmountInBytes(container.getResources().getRequests().get("memory")).longValue() >> 20;

    long peakMiB = (long) (limitMiB * percent / 100) + NON_HEAP_MIB;
    assertThat(peakMiB).as("the measured peak within 80 %% of the %d MiB limit", limitMiB).isLessThanOrEqualTo(limitMiB * 8 / 10);
    assertThat(requestMiB).isLessThan(limitMiB);
  }

  @Test
  void ownPodsWithDefaultValuesPassEveryRule() {
    assertPassesOwnRules(HelmChart.render(Map.of()));
  }

  @Test
  void ownPodsWithEveryOptionPassEveryRule() {
    assertPassesOwnRules(HelmChart.renderWithValuesFile(ChartAllOptionsTest.ALL_OPTIONS, Map.of()));
  }

  @Test
  void ownImageAloneRunsAsNonRoot() {
    // Even run without the chart's securityContext (kubectl run), the image's USER is not root.
    ContainerContext bare = new ContainerContext("imagegate", ContainerKind.CONTAINER, "ghcr.io/imagegate/imagegate:0.1.0",
        ImageReference.parse("ghcr.io/imagegate/imagegate:0.1.0"), null, null, false, List.of());
    assertThat(new RunAsNonRootRule(ImagegateConfig.defaults()).check(bare, imageFacts())).isEmpty();
  }

  private static void assertPassesOwnRules(Rendered chart) {
    ImagegateConfig config = ImagegateConfig.defaults();
    List<Rule> rules = List.of(new RunAsNonRootRule(config), new RequireHealthcheckRule(config),
        new DisallowLatestTagRule(config), new NoSecretsInEnvRule(config));
    PodSpec pod = chart.one(Deployment.class).getSpec().getTemplate().getSpec();
    List<Violation> violations = new ArrayList<>();
    for (Container container : pod.getContainers()) {
      ContainerContext context = context(container, pod);
      for (Rule rule : rules) {
        violations.addAll(rule.check(context, rule.needsImage() ? imageFacts() : null));
      }
    }
    assertThat(violations).isEmpty();
  }

  /** The container as the admission layer sees it: pod-level securityContext as the default. */
  private static ContainerContext context(Container container, PodSpec pod) {
    Long runAsUser = container.getSecurityContext() != null && container.getSecurityContext().getRunAsUser() != null
        ? container.getSecurityContext().getRunAsUser() : pod.getSecurityContext().getRunAsUser();
    Boolean runAsNonRoot = container.getSecurityContext() != null && container.getSecurityContext().getRunAsNonRoot() != null
        ? container.getSecurityContext().getRunAsNonRoot() : pod.getSecurityContext().getRunAsNonRoot();
    boolean probe = container.getLivenessProbe() != null || container.getReadinessProbe() != null
        || container.getStartupProbe() != null;
    assertThat(probe).as("every container of imagegate's pod has a probe").isTrue();
    List<ContainerContext.EnvLiteral> env = container.getEnv().stream().filter(e -> e.getValue() != null)
        .map(e -> new ContainerContext.EnvLiteral(e.getName(), e.getValue())).toList();
    return new ContainerContext(container.getName(), ContainerKind.CONTAINER, container.getImage(),
        ImageReference.parse(container.getImage()), runAsUser, runAsNonRoot, probe, env);
  }

  /**
   * The config Jib writes (as read back from a local build with this configuration): USER from
   * quarkus.jib.user, no HEALTHCHECK (Jib cannot write one), and the environment Quarkus adds for
   * the run-java.sh base image.
   */
  private static ImageFacts imageFacts() {
    List<String> env = new ArrayList<>(List.of(
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "JAVA_HOME=/usr/lib/jvm/jre",
        "JAVA_APP_DIR=/home/jboss",
        "JAVA_APP_JAR=/home/jboss/quarkus-run.jar",
        "JAVA_OPTS_APPEND=-Djava.util.logging.manager=org.jboss.logmanager.LogManager "
            + build.getProperty("quarkus.jib.jvm-additional-arguments").replace(',', ' ')));
    build.stringPropertyNames().stream().filter(k -> k.startsWith("quarkus.jib.environment-variables."))
        .forEach(k -> env.add(k.substring("quarkus.jib.environment-variables.".length()) + "=" + build.getProperty(k)));
    return new ImageFacts("linux/amd64", "sha256:" + "0".repeat(64), build.getProperty("quarkus.jib.user"), null, env, List.of());
  }
}
