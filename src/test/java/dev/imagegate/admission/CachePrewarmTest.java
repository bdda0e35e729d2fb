package dev.imagegate.admission;

import static dev.imagegate.admission.Reviews.container;
import static dev.imagegate.admission.Reviews.spec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.audit.MockCluster;
import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.policy.RegistryImageSource;
import dev.imagegate.registry.ImageResolver;
import dev.imagegate.registry.RegistryTesting;
import dev.imagegate.rules.DisallowLatestTagRule;
import dev.imagegate.rules.NoSecretsInEnvRule;
import dev.imagegate.rules.RequireHealthcheckRule;
import dev.imagegate.rules.Rule;
import dev.imagegate.rules.RunAsNonRootRule;
import dev.imagegate.testing.FaultProxy;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.TestImages;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cache.prewarm} against the mock Kubernetes API and the real registry: the images of the
 * running pods are in the caches when it ends, so the first admission of those pods asks no
 * registry; most used first, within the per-registry cap; a hanging registry holds readiness no
 * longer than {@code cache.prewarmBudget}, and a failing API not at all.
 */
class CachePrewarmTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static LocalRegistry registry;
  static TestImages.PushedIndex multi;

  MockCluster cluster;
  SimpleMeterRegistry meters;
  ImageResolver resolver;
  FaultProxy proxy;

  @BeforeAll
  static void start() {
    registry = LocalRegistry.startPlain("prewarm");
    TestImages images = TestImages.in(registry);
    images.push("library/nginx", "1.27", TestImages.nginx());
    images.push("library/python", "3.12", TestImages.python());
    images.push("library/kong", "3.8", TestImages.kong());
    images.push("distroless/static", "nonroot", TestImages.distrolessNonroot());
    multi = images.pushIndex("multi/app", "1.0", TestImages.Format.OCI, false,
        TestImages.kong().platform("linux/amd64"), TestImages.kong().platform("linux/arm64"),
        TestImages.kong().platform("linux/s390x"));
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  @BeforeEach
  void cluster() {
    cluster = MockCluster.withoutPolicyReports();
    meters = new SimpleMeterRegistry();
  }

  @AfterEach
  void close() {
    if (resolver != null) {
      resolver.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    cluster.close();
  }

  private static ImagegateConfig config(String hostPort, String extra) {
    return ConfigLoader.parse("""
        mode: enforce
        exemptions:
          namespaces: [kube-system]
        registries:
          insecure: ["%s"]
          timeout: 3s
          maxConcurrentFetchesPerRegistry: 2
        cache:
          prewarm: true
        %s
        """.formatted(hostPort, extra));
  }

  private static List<Rule> rules(ImagegateConfig config) {
    return List.of(new RunAsNonRootRule(config), new RequireHealthcheckRule(config), new DisallowLatestTagRule(config),
        new NoSecretsInEnvRule(config));
  }

  /** The engine admissions use, over a resolver of its own (empty caches, as a fresh replica). */
  private PolicyEngine engine(ImagegateConfig config) {
    resolver = RegistryTesting.resolver(config.registries()).cache(config.cache()).meters(meters).build();
    return new PolicyEngine(config, rules(config), RegistryImageSource.over(resolver));
  }

  private CachePrewarm prewarm(ImagegateConfig config, PolicyEngine engine, Supplier<KubernetesClient> client) {
    return new CachePrewarm(true, config, engine, client, meters);
  }

  private void run(String namespace, String name, String phase, String... images) {
    PodSpec spec = new PodSpec();
    for (int i = 0; i < images.length; i++) {
      spec.getContainers().add(container("c" + i, images[i]));
    }
    Pod pod = new PodBuilder(Reviews.pod(name, spec)).editMetadata().withNamespace(namespace).endMetadata()
        .withNewStatus().withPhase(phase).endStatus().build();
    cluster.client().pods().inNamespace(namespace).resource(pod).create();
  }

  private double images(String outcome) {
    return meters.get("imagegate.cache.prewarm.images").tag("outcome", outcome).gauge().value();
  }

  @Test
  void theImagesOfRunningPodsAreCachedSoTheFirstAdmissionAsksNoRegistry() throws Exception {
    String host = registry.hostPort();
    run("shop", "web-1", "Running", host + "/library/nginx:1.27", host + "/multi/app:1.0");
    run("shop", "web-2", "Running", host + "/library/nginx:1.27");
    run("data", "job-1", "Pending", host + "/library/python:3.12");
    run("data", "done", "Succeeded", host + "/library/kong:3.8");
    run("kube-system", "proxy", "Running", host + "/distroless/static:nonroot");
    ImagegateConfig config = config(host, "");
    PolicyEngine engine = engine(config);
    registry.accessLog().reset();

    CachePrewarm.Result result = prewarm(config, engine, cluster::client).run();

    assertThat(result.pods()).as("running pods outside exempt namespaces").isEqualTo(3);
    assertThat(result.warmed()).isEqualTo(3);
    assertThat(result.failed()).isZero();
    assertThat(result.unstarted()).isZero();
    assertThat(result.listError()).isNull();
    assertThat(images("warmed")).isEqualTo(3);
    assertThat(meters.get("imagegate.cache.prewarm.pods").gauge().value()).isEqualTo(3);
    assertThat(registry.accessLog().manifestGets("library/kong")).as("a finished pod's image").isZero();
    assertThat(registry.accessLog().manifestGets("distroless/static")).as("an exempt namespace's image").isZero();
    assertThat(registry.accessLog().count("GET", "/manifests/" + multi.platforms().get(1).manifestDigest())).as("arm64: read").isOne();
    assertThat(registry.accessLog().count("GET", "/manifests/" + multi.platforms().get(2).manifestDigest()))
        .as("s390x: not in registries.platforms, no admission reads it").isZero();
    registry.accessLog().reset();

    AdmissionHandler handler = new AdmissionHandler(new NamespaceModes(false, () -> null));
    AdmissionCall call = new AdmissionReviews(MAPPER).read(Reviews.create(new PodBuilder(Reviews.pod("web-3",
        spec(container("web", host + "/library/nginx:1.27"), container("app", host + "/multi/app:1.0"),
            container("tool", host + "/library/python:3.12")))).editMetadata().withNamespace("shop").endMetadata().build())
        .getBytes(StandardCharsets.UTF_8));
    Decision decision = handler.decide(call, Duration.ofSeconds(5), engine).get(10, TimeUnit.SECONDS);

    assertThat(decision.response().getAllowed()).as("nginx and python run as root").isFalse();
    assertThat(decision.response().getStatus().getMessage()).contains("run-as-non-root");
    assertThat(registry.accessLog().requests()).as("every image and index child came from the cache").isEmpty();
  }

  @Test
  void readsTheMostUsedImagesFirstWithinTheRegistrysCap() {
    proxy = FaultProxy.plain(registry);
    proxy.on("GET", "/manifests/", -1, FaultProxy.delay(Duration.ofMillis(150)));
    String host = proxy.hostPort();
    for (int i = 0; i < 4; i++) {
      run("shop", "python-" + i, "Running", host + "/library/python:3.12");
    }
    run("shop", "nginx", "Running", host + "/library/nginx:1.27");
    run("shop", "kong", "Running", host + "/library/kong:3.8");
    run("shop", "kong-2", "Running", host + "/library/kong:3.8");
    run("shop", "static", "Running", host + "/distroless/static:nonroot");
    ImagegateConfig config = config(host, "");

    CachePrewarm.Result result = prewarm(config, engine(config), cluster::client).run();

    assertThat(result.warmed()).isEqualTo(4);
    List<String> manifests = proxy.requests().stream().filter(r -> r.contains("/manifests/")).toList();
    // started first; with two reads at once the second-most used may reach the registry a moment before it
    assertThat(manifests.subList(0, 2)).as("4 pods run python").anyMatch(r -> r.contains("/library/python/"));
    assertThat(proxy.maxConcurrentRequests()).as("registries.maxConcurrentFetchesPerRegistry").isLessThanOrEqualTo(2);
  }

  @Test
  void aHangingRegistryHoldsReadinessNoLongerThanTheBudget() throws Exception {
    proxy = FaultProxy.plain(registry);
    proxy.on("HEAD", "/v2/", -1, FaultProxy.hang()).on("GET", "/v2/", -1, FaultProxy.hang());
    String host = proxy.hostPort();
    run("shop", "web", "Running", host + "/library/nginx:1.27");
    run("shop", "tool", "Running", host + "/library/python:3.12");
    run("shop", "gw", "Running", host + "/library/kong:3.8");
    ImagegateConfig config = config(host, "  prewarmBudget: 1500ms");
    CachePrewarm prewarm = prewarm(config, engine(config), cluster::client);
    CachePrewarmReadiness readiness = new CachePrewarmReadiness(prewarm);

    long start = System.nanoTime();
    prewarm.onStart(null);
    assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    while (readiness.call().getStatus() == HealthCheckResponse.Status.DOWN) {
      Thread.sleep(20);
    }
    long readyAfter = (System.nanoTime() - start) / 1_000_000;

    assertThat(readyAfter).as("ready by the budget, not by the registry's 3s timeout").isBetween(1_000L, 2_200L);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (images("failed") + images("unstarted") < 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(images("warmed")).isZero();
    assertThat(images("failed") + images("unstarted")).as("every image failed or was never started").isEqualTo(3);
    assertThat(proxy.maxConcurrentRequests()).isLessThanOrEqualTo(2);
  }

  @Test
  void aFailingApiDoesNotHoldReadiness() {
    cluster.forbid("/api/v1/pods?limit=" + PodImages.PAGE);
    ImagegateConfig config = config(registry.hostPort(), "");
    CachePrewarm prewarm = prewarm(config, engine(config), cluster::client);
    CachePrewarmReadiness readiness = new CachePrewarmReadiness(prewarm);

    CachePrewarm.Result result = prewarm.run();

    assertThat(result.listError()).contains("listing pods failed").contains("403");
    assertThat(result.warmed()).isZero();
    assertThat(meters.get("imagegate.cache.prewarm.list.failures").counter().count()).isEqualTo(1);
    assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
  }

  @Test
  void offItNeverHoldsReadinessNorListsPods() throws Exception {
    ImagegateConfig config = ConfigLoader.parse("cache:\n  prewarm: false\n");
    CachePrewarm prewarm = new CachePrewarm(CachePrewarm.wanted(config.cache()), config, engine(config), cluster::client, meters);

    prewarm.onStart(null);

    assertThat(new CachePrewarmReadiness(prewarm).call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    assertThat(cluster.requests()).isEmpty();
  }
}
