package dev.imagegate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.audit.MockCluster;
import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.ExceptionEntry;
import dev.imagegate.config.Mode;
import dev.imagegate.policy.Excepted;
import dev.imagegate.policy.Finding;
import dev.imagegate.policy.Verdict;
import dev.imagegate.testing.LogCapture;
import dev.imagegate.workload.Workload;
import dev.imagegate.workload.Workloads;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An exception's end, by a clock the test moves: the gauge, one log line, an Event on each workload it covered. */
class ExceptionExpiryTest {

  private static final List<ExceptionEntry> EXCEPTIONS = ConfigLoader.parse("""
      exceptions:
        - {name: vendor-db-root, rules: [run-as-non-root], namespaces: [apps], reason: "ticket OPS-1234", expires: 2027-03-31}
        - {name: forever, rules: ["*"], namespaces: [kube-*], reason: "system images"}
      """).exceptions();

  /** A clock the test sets. */
  private static final class TestClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2027-03-31T23:00:00Z"));

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  private MockCluster cluster;
  private KubernetesClient client;
  private SimpleMeterRegistry meters;
  private AdmissionEvents events;
  private final TestClock clock = new TestClock();

  @BeforeEach
  void start() {
    cluster = MockCluster.withPolicyReports();
    client = cluster.client();
    meters = new SimpleMeterRegistry();
    events = new AdmissionEvents(true, Duration.ofMinutes(10), () -> client, meters);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static Pod replicaSetPod(String replicaSet) {
    return new PodBuilder(Reviews.pod(null, Reviews.spec(Reviews.container("db", "vendor/db:5.7")))).editMetadata()
        .withName(null).withGenerateName(replicaSet + "-")
        .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet").withName(replicaSet)
            .withUid("rs-uid").withController(true).build())
        .endMetadata().build();
  }

  private static Decision excepted(AdmissionCall call, String exception) {
    Finding finding = new Finding("db", "vendor/db:5.7", "run-as-non-root", "image runs as root", Mode.ENFORCE);
    Verdict verdict = new Verdict(List.of(), null, List.of(new Excepted(finding, exception, "ticket OPS-1234")), List.of());
    return new Decision(AdmissionResponses.of(call.uid(), verdict), verdict, null);
  }

  private double gauge(String exception) {
    return meters.get("imagegate.exception.expired").tag("exception", exception).gauge().value();
  }

  private List<Event> written() {
    assertThat(events.drain(Duration.ofSeconds(5))).isTrue();
    return client.events().v1().events().inNamespace("apps").list().getItems();
  }

  @Test
  void atTheEndOfItsDayTheGaugeTurnsOneItIsLoggedOnceAndEachWorkloadItCoveredGetsAnEvent() throws Exception {
    ExceptionExpiry expiry = new ExceptionExpiry(EXCEPTIONS, clock, events, meters);
    AdmissionCall call = Reviews.call(replicaSetPod("vendor-db-7c9f"), false);
    for (int i = 0; i < 3; i++) {
      expiry.record(call, excepted(call, "vendor-db-root"));
    }
    AdmissionCall dryRun = Reviews.call(replicaSetPod("dry-1"), true);
    expiry.record(dryRun, excepted(dryRun, "vendor-db-root"));

    expiry.check();
    assertThat(gauge("vendor-db-root")).isZero();
    assertThat(gauge("forever")).isZero();
    assertThat(written()).isEmpty();

    clock.now.set(Instant.parse("2027-04-01T00:00:00Z"));
    assertThat(gauge("vendor-db-root")).isEqualTo(1.0); // read at the scrape: no check needed
    List<String> logged = LogCapture.during(ExceptionExpiry.class, () -> {
      expiry.check();
      expiry.check();
      return null;
    }).lines();

    assertThat(logged).filteredOn(line -> line.contains("vendor-db-root")).hasSize(1);
    assertThat(written()).singleElement().satisfies(event -> {
      assertThat(event.getReason()).isEqualTo("ExceptionExpired");
      assertThat(event.getAction()).isEqualTo("Expired");
      assertThat(event.getRegarding().getKind()).isEqualTo("ReplicaSet");
      assertThat(event.getRegarding().getName()).isEqualTo("vendor-db-7c9f");
      assertThat(event.getNote()).contains("exception \"vendor-db-root\" ended at the end of 2027-03-31 (UTC)")
          .contains("run-as-non-root").contains("ticket OPS-1234");
    });
    assertThat(gauge("forever")).isZero();
  }

  @Test
  void withEventsOffTheEndIsStillLoggedAndCountedButNoEventIsWritten() throws Exception {
    AdmissionEvents off = new AdmissionEvents(false, Duration.ofMinutes(10), () -> {
      throw new AssertionError("no client when events are off");
    }, meters);
    ExceptionExpiry expiry = new ExceptionExpiry(EXCEPTIONS, clock, off, meters);
    AdmissionCall call = Reviews.call(replicaSetPod("vendor-db-7c9f"), false);
    expiry.record(call, excepted(call, "vendor-db-root"));
    clock.now.set(Instant.parse("2027-04-02T00:00:00Z"));

    expiry.check();

    assertThat(gauge("vendor-db-root")).isEqualTo(1.0);
    assertThat(written()).isEmpty();
  }

  @Test
  void aRunningWorkloadTheAuditFoundCoveredGetsTheEventOnItself() throws Exception {
    ExceptionExpiry expiry = new ExceptionExpiry(EXCEPTIONS, clock, events, meters);
    Workload deployment = Workloads.of(new DeploymentBuilder().withNewMetadata().withNamespace("apps").withName("vendor-db")
        .withUid("uid-1").endMetadata().withNewSpec().withNewTemplate()
        .withSpec(Reviews.spec(Reviews.container("db", "vendor/db:5.7"))).endTemplate().endSpec().build());
    Finding finding = new Finding("db", "vendor/db:5.7", "run-as-non-root", "image runs as root", Mode.ENFORCE);
    expiry.covered(deployment, List.of(new Excepted(finding, "vendor-db-root", "ticket OPS-1234")));
    expiry.covered(deployment, List.of(new Excepted(finding, "forever", "system images"))); // never ends: not remembered
    clock.now.set(Instant.parse("2027-04-01T00:00:00Z"));

    expiry.check();

    assertThat(written()).singleElement().satisfies(event -> {
      assertThat(event.getRegarding().getKind()).isEqualTo("Deployment");
      assertThat(event.getRegarding().getName()).isEqualTo("vendor-db");
      assertThat(event.getRegarding().getUid()).isEqualTo("uid-1");
    });
  }
}
