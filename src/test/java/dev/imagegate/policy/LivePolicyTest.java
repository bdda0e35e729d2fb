package dev.imagegate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.ConfigFile;
import dev.imagegate.config.Mode;
import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.ImageResolver;
import dev.imagegate.registry.RegistryTesting;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.ContainerKind;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.LogCapture;
import dev.imagegate.testing.LogCapture.Captured;
import dev.imagegate.testing.TestImages;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reloading the configuration: validated whole, then swapped whole; a bad one changes nothing. */
class LivePolicyTest {
  private static LocalRegistry registry;
  private static String nginx;

  private final MeterRegistry meters = new SimpleMeterRegistry();
  private final List<PolicySnapshot> told = new CopyOnWriteArrayList<>();
  private ImageResolver resolver;
  private LivePolicy policy;

  @BeforeAll
  static void pushImages() {
    registry = LocalRegistry.startPlain("live-policy");
    TestImages.in(registry).push("library/nginx", "1.27", TestImages.nginx());
    nginx = registry.hostPort() + "/library/nginx:1.27";
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  /** Over HTTPS, which the plain registry does not speak, until the configuration names it insecure. */
  private static final String HTTPS_ONLY = """
      mode: enforce
      registries:
        timeout: 2s
      """;

  /** Read over plain HTTP, and run-as-non-root only warns. */
  private String plainHttpWarn() {
    return """
        mode: enforce
        rules:
          run-as-non-root: {mode: warn}
        registries:
          timeout: 2s
          insecure: ["%s"]
        """.formatted(registry.hostPort());
  }

  @BeforeEach
  void start() {
    ConfigFile first = ConfigFile.of(HTTPS_ONLY);
    resolver = RegistryTesting.resolver(first.parse().registries()).meters(meters).build();
    policy = new LivePolicy(first.parse(), first.hash(), LivePolicy.Builder.over(resolver), meters, told::add, null,
        Duration.ofSeconds(30), Duration.ofMillis(10));
  }

  @AfterEach
  void stop() {
    resolver.close();
  }

  private static Verdict judge(PolicyEngine engine) {
    ContainerContext web = new ContainerContext("web", ContainerKind.CONTAINER, nginx, ImageReference.parse(nginx), null, null, true,
        List.of());
    return engine.judge("apps", List.of(web), Duration.ofSeconds(5)).join();
  }

  private static List<String> rules(Verdict verdict) {
    return verdict.findings().stream().map(Finding::ruleId).toList();
  }

  private double reloads(String outcome) {
    return meters.get("imagegate.config.reload").tag("outcome", outcome).counter().count();
  }

  private List<String> infoHashes() {
    return meters.find("imagegate.config.info").gauges().stream().map(gauge -> gauge.getId().getTag("hash")).toList();
  }

  @Test
  void aReloadedConfigurationJudgesFromThenOnWhileAnEngineTakenBeforeKeepsItsOwn() {
    PolicyEngine before = policy.engine();
    assertThat(rules(judge(before))).containsExactly(PolicyEngine.IMAGE_UNAVAILABLE);

    ConfigFile next = ConfigFile.of(plainHttpWarn());
    assertThat(policy.reload(next)).isEqualTo(LivePolicy.Outcome.APPLIED);

    Verdict now = judge(policy.engine());
    assertThat(rules(now)).as("registries.insecure applies live").containsExactly("run-as-non-root");
    assertThat(now.findings()).extracting(Finding::mode).containsExactly(Mode.WARN);
    assertThat(judge(before).findings()).as("the engine an admission took before the reload: its own modes")
        .extracting(Finding::mode).containsExactly(Mode.ENFORCE);
    assertThat(policy.current().hash()).isEqualTo(next.hash());
    assertThat(told).extracting(PolicySnapshot::hash).containsExactly(next.hash());
    assertThat(reloads("applied")).isOne();
    assertThat(infoHashes()).as("one series: the configuration in force").containsExactly(next.hash());
  }

  @Test
  void aFileWithAnUnknownKeyIsRefusedNamingItAndTheOldOneStaysInForce() throws Exception {
    PolicySnapshot running = policy.current();

    Captured<LivePolicy.Outcome> reload = logged(() -> policy.reload(ConfigFile.of("mode: warn\nregistries:\n  timout: 3s\n")));

    assertThat(reload.result()).isEqualTo(LivePolicy.Outcome.REJECTED);
    assertThat(reload.lines()).anySatisfy(line -> assertThat(line).contains("refused").contains("(at registries.timout)")
        .contains(running.hash()));
    assertThat(policy.current()).isSameAs(running);
    assertThat(policy.current().config().mode()).isEqualTo(Mode.ENFORCE);
    assertThat(reloads("rejected")).isOne();
    assertThat(infoHashes()).containsExactly(running.hash());
    assertThat(told).isEmpty();
  }

  @Test
  void aConfigurationThatFailsWhileItsEngineIsBuiltIsRefusedToo() throws Exception {
    PolicySnapshot running = policy.current();

    Captured<LivePolicy.Outcome> badBundle = logged(() -> policy.reload(ConfigFile.of("""
        registries:
          caBundles: {"registry.example.com": /nonexistent/ca.pem}
        """)));
    Captured<LivePolicy.Outcome> badOption = logged(() -> policy.reload(ConfigFile.of("""
        rules:
          image-size: {mode: warn, maxCompressedSize: huge}
        """)));
    Captured<LivePolicy.Outcome> noSuchRule = logged(() -> policy.reload(ConfigFile.of("""
        rules:
          run-as-nonroot: {mode: warn}
        """)));

    assertThat(List.of(badBundle.result(), badOption.result(), noSuchRule.result())).containsOnly(LivePolicy.Outcome.REJECTED);
    assertThat(badBundle.lines()).anySatisfy(line -> assertThat(line).contains("registries.caBundles"));
    assertThat(badOption.lines()).anySatisfy(line -> assertThat(line).contains("rules.image-size").contains("huge"));
    assertThat(noSuchRule.lines()).anySatisfy(line -> assertThat(line).contains("rules.run-as-nonroot: no such rule"));
    assertThat(policy.current()).isSameAs(running);
    assertThat(reloads("rejected")).isEqualTo(3);
  }

  @Test
  void aFileThatMeansTheSameIsUnchangedAndNamedByItsNewHash() {
    PolicyEngine engine = policy.engine();
    ConfigFile commented = ConfigFile.of("# the same, with a comment\n" + HTTPS_ONLY);

    assertThat(policy.reload(commented)).isEqualTo(LivePolicy.Outcome.UNCHANGED);

    assertThat(policy.engine()).as("nothing rebuilt").isSameAs(engine);
    assertThat(infoHashes()).containsExactly(commented.hash());
    assertThat(reloads("unchanged")).isOne();
    assertThat(told).isEmpty();
  }

  @Test
  void aChangedKeyThatNeedsARestartIsLoggedAndKeepsItsRunningValue() throws Exception {
    Captured<LivePolicy.Outcome> reload = logged(() -> policy.reload(ConfigFile.of(HTTPS_ONLY + "audit:\n  interval: 5m\n")));

    assertThat(reload.result()).as("nothing else changed").isEqualTo(LivePolicy.Outcome.UNCHANGED);
    assertThat(reload.lines()).contains("config key audit.interval changed but needs a restart; still 1h (the file says 5m)");
    assertThat(policy.current().config().audit().interval()).isEqualTo(Duration.ofHours(1));
  }

  /** What {@code action} returned and what LivePolicy logged meanwhile. */
  private static <T> Captured<T> logged(Callable<T> action) throws Exception {
    return LogCapture.during(LivePolicy.class, action);
  }
}
