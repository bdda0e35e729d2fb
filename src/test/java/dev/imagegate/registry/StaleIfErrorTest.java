package dev.imagegate.registry;

import static dev.imagegate.registry.RegistryTesting.ref;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.imagegate.config.CacheSettings;
import dev.imagegate.config.ConfigLoader;
import dev.imagegate.image.ImageReference;
import dev.imagegate.policy.Finding;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.policy.StaleNotice;
import dev.imagegate.policy.Verdict;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.ContainerKind;
import dev.imagegate.testing.FaultProxy;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.TestImages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A registry outage past {@code cache.tagTtl}, simulated by a fault-injecting proxy in front of the
 * real registry, with the caches' clock in the test's hand: known images (by tag and by digest) are
 * judged on their last confirmed facts, with a notice; never-seen images are not; the facts expire
 * after {@code cache.staleIfError}; a 404 is never hidden by them.
 */
class StaleIfErrorTest {
  static final Duration BUDGET = Duration.ofMillis(2400);
  static final Duration TAG_TTL = Duration.ofMinutes(1);

  static LocalRegistry registry;
  static TestImages.Pushed nginx;

  FaultProxy proxy;
  SimpleMeterRegistry meters;
  ManualTicker clock;
  ImageResolver resolver;
  PolicyEngine engine;

  /** The caches' clock, moved by the test. */
  static final class ManualTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong(System.nanoTime());

    @Override
    public long read() {
      return nanos.get();
    }

    void advance(Duration by) {
      nanos.addAndGet(by.toNanos());
    }
  }

  /** How the registry is unreachable. */
  enum Outage {
    CONNECTION_REFUSED, CONNECTION_RESET, HTTP_500, HTTP_429, TIMEOUT;

    void apply(StaleIfErrorTest test) {
      switch (this) {
        case CONNECTION_REFUSED -> test.proxy.close(); // nothing listens on its port any more
        case CONNECTION_RESET -> test.everyRequest(FaultProxy.reset());
        case HTTP_500 -> test.everyRequest(FaultProxy.respond(500, Map.of("Content-Type", "text/plain"), "down"));
        case HTTP_429 -> test.everyRequest(FaultProxy.respond(429, Map.of(), ""));
        case TIMEOUT -> test.everyRequest(FaultProxy.hang());
      }
    }
  }

  @BeforeAll
  static void start() {
    registry = LocalRegistry.startPlain("stale");
    TestImages images = TestImages.in(registry);
    nginx = images.push("library/nginx", "1.27", TestImages.nginx());
    images.push("library/python", "3.12", TestImages.python());
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  @BeforeEach
  void proxy() {
    proxy = FaultProxy.plain(registry);
    meters = new SimpleMeterRegistry();
    clock = new ManualTicker();
    resolve(CacheSettings.defaults().withTagTtl(TAG_TTL));
  }

  @AfterEach
  void close() {
    resolver.close();
    proxy.close();
  }

  /** (Re)creates the resolver with these cache settings: registries.timeout 1s, so a hang fails within the budget. */
  void resolve(CacheSettings cache) {
    if (resolver != null) {
      resolver.close();
    }
    resolver = RegistryTesting.resolver(RegistryTesting.insecure(proxy.hostPort()).withTimeout(Duration.ofSeconds(1))).cache(cache).meters(meters).ticker(clock).build();
    engine = new PolicyEngine(ConfigLoader.parse(""), List.of(RegistryFaultsTest.ROOT),
        ref -> resolver.resolve(ref, PullContext.NONE, Deadline.after(BUDGET)));
  }

  void everyRequest(FaultProxy.Fault fault) {
    proxy.on("HEAD", "/v2/", -1, fault).on("GET", "/v2/", -1, fault);
  }

  Verdict admit(ImageReference... images) throws Exception {
    List<ContainerContext> containers = new ArrayList<>();
    for (ImageReference image : images) {
      containers.add(new ContainerContext("c" + containers.size(), ContainerKind.CONTAINER, image.original(), image, null, null, true, List.of()));
    }
    return engine.judge("apps", containers, BUDGET).get(10, TimeUnit.SECONDS);
  }

  ImageReference nginxTag() {
    return ref(proxy.hostPort(), "library/nginx", "1.27");
  }

  ImageReference nginxDigest() {
    return ref(proxy.hostPort(), "library/nginx", null, nginx.manifestDigest());
  }

  ImageReference python() {
    return ref(proxy.hostPort(), "library/python", "3.12");
  }

  double staleServed() {
    var counter = meters.find("imagegate.cache.stale.served").tag("registry", proxy.hostPort()).counter();
    return counter == null ? 0 : counter.count();
  }

  static List<String> rules(Verdict verdict) {
    return verdict.findings().stream().map(Finding::ruleId).toList();
  }

  @ParameterizedTest
  @EnumSource(Outage.class)
  void anOutagePastTagTtlJudgesKnownTagsAndDigestsOnTheirLastFacts(Outage outage) throws Exception {
    assertThat(rules(admit(nginxTag()))).containsExactly("root");
    clock.advance(TAG_TTL.plusSeconds(30));
    outage.apply(this);

    Verdict verdict = admit(nginxTag(), nginxDigest());

    assertThat(rules(verdict)).as("judged on the cached facts: the image runs as root").containsExactly("root", "root");
    assertThat(verdict.stale()).isEqualTo(new StaleNotice(Duration.ofSeconds(90), List.of(proxy.hostPort())));
    assertThat(verdict.stale().describe(109)).isEqualTo("judged on registry facts from 1m30s ago: " + proxy.hostPort() + " unreachable");
    assertThat(staleServed()).as("imagegate_cache_stale_served_total{registry}").isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Outage.class)
  void anOutageStillDeniesAnImageNeverSeen(Outage outage) throws Exception {
    admit(nginxTag());
    clock.advance(TAG_TTL.plusSeconds(1));
    outage.apply(this);

    Verdict verdict = admit(python());

    assertThat(rules(verdict)).containsExactly(PolicyEngine.IMAGE_UNAVAILABLE);
    assertThat(verdict.denied()).as("registries.onError: deny").isTrue();
    assertThat(verdict.stale()).isNull();
  }

  @Test
  void factsOlderThanStaleIfErrorAreNotJudgedOn() throws Exception {
    resolve(CacheSettings.defaults().withTagTtl(TAG_TTL).withStaleIfError(Duration.ofMinutes(10)));
    admit(nginxTag());
    clock.advance(Duration.ofMinutes(9));
    everyRequest(FaultProxy.respond(503, Map.of(), ""));

    assertThat(admit(nginxTag()).stale()).as("9 minutes old: within staleIfError").isNotNull();

    clock.advance(Duration.ofMinutes(1).plusSeconds(1));
    Verdict expired = admit(nginxTag(), nginxDigest());
    assertThat(rules(expired)).containsExactly(PolicyEngine.IMAGE_UNAVAILABLE, PolicyEngine.IMAGE_UNAVAILABLE);
    assertThat(expired.findings().get(0).message()).isEqualTo(proxy.hostPort() + "/library/nginx:1.27: registry error (HTTP 503)");
    assertThat(expired.stale()).isNull();
  }

  @Test
  void staleIfErrorZeroJudgesNothingOnUnconfirmedFacts() throws Exception {
    resolve(CacheSettings.defaults().withTagTtl(TAG_TTL).withStaleIfError(Duration.ZERO));
    admit(nginxTag());
    clock.advance(TAG_TTL.plusSeconds(1));
    everyRequest(FaultProxy.reset());

    assertThat(rules(admit(nginxTag()))).containsExactly(PolicyEngine.IMAGE_UNAVAILABLE);
  }

  @Test
  void aNotFoundAfterTheOutageIsNotHiddenByStaleFacts() throws Exception {
    admit(nginxTag());
    clock.advance(TAG_TTL.plusSeconds(1));
    everyRequest(FaultProxy.respond(502, Map.of(), ""));
    assertThat(admit(nginxTag()).stale()).isNotNull();

    // the registry is back, and the tag is gone
    proxy.clear();
    proxy.on("HEAD", "/manifests/", -1, FaultProxy.respond(404, Map.of(), ""))
        .on("GET", "/manifests/", -1, FaultProxy.respond(404, Map.of("Content-Type", "application/json"),
            "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}"));
    clock.advance(CacheSettings.DEFAULT_ERROR_TTL.plusSeconds(1)); // past the remembered outage

    Verdict verdict = admit(nginxTag());
    assertThat(rules(verdict)).as(verdict + " " + proxy.requests()).containsExactly(PolicyEngine.IMAGE_UNAVAILABLE);
    assertThat(verdict.findings().get(0).message()).isEqualTo(proxy.hostPort() + "/library/nginx:1.27: manifest unknown (HTTP 404)");
    assertThat(verdict.stale()).isNull();

    // and the 404 remembered by the negative cache is not turned into stale facts either
    Verdict again = admit(nginxTag());
    assertThat(rules(again)).as(again + " " + proxy.requests()).containsExactly(PolicyEngine.IMAGE_UNAVAILABLE);
  }

  @Test
  void aTransientFailureRememberedByTheNegativeCacheServesTheStaleFactsWithoutAsking() throws Exception {
    admit(nginxTag());
    clock.advance(TAG_TTL.plusSeconds(1));
    everyRequest(FaultProxy.reset());
    assertThat(admit(nginxTag()).stale()).isNotNull();
    proxy.clear(); // the registry is back, but the failure is remembered for cache.errorTtl

    Verdict verdict = admit(nginxTag());

    assertThat(verdict.stale()).as("the remembered failure does not override the stale facts").isNotNull();
    assertThat(rules(verdict)).containsExactly("root");
    assertThat(proxy.requests()).as("answered from memory").isEmpty();

    clock.advance(CacheSettings.DEFAULT_ERROR_TTL.plusSeconds(1));
    Verdict recovered = admit(nginxTag());
    assertThat(recovered.stale()).as("confirmed again once the failure is forgotten").isNull();
    assertThat(proxy.requests()).containsExactly("HEAD /v2/library/nginx/manifests/1.27");
  }

  @Test
  void unauthorizedIsNotTransientAndIsNotHidden() throws Exception {
    admit(nginxTag());
    clock.advance(TAG_TTL.plusSeconds(1));
    everyRequest(FaultProxy.respond(403, Map.of(), ""));

    Verdict verdict = admit(nginxTag());

    assertThat(rules(verdict)).containsExactly(PolicyEngine.IMAGE_UNAVAILABLE);
    assertThat(verdict.findings().get(0).message()).contains("denied (HTTP 403)");
    assertThat(verdict.stale()).isNull();
  }

  @Test
  void aStaleAnswerComesBeforeTheCallersDeadlineWhenTheRegistryHangs() throws Exception {
    resolver.close();
    // registries.timeout longer than the admission's budget: the caller's deadline bounds the re-check
    resolver = RegistryTesting.resolver(RegistryTesting.insecure(proxy.hostPort()).withTimeout(Duration.ofSeconds(8))).cache(CacheSettings.defaults().withTagTtl(TAG_TTL)).meters(meters).ticker(clock).build();
    admit(nginxTag());
    clock.advance(TAG_TTL.plusSeconds(1));
    everyRequest(FaultProxy.hang());

    long start = System.nanoTime();
    Verdict verdict = admit(nginxTag());
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(verdict.stale()).isNotNull();
    assertThat(verdict.stale().registries()).containsExactly(proxy.hostPort());
    assertThat(rules(verdict)).containsExactly("root");
    assertThat(millis).isBetween(BUDGET.toMillis() - 300, BUDGET.toMillis());
  }
}
