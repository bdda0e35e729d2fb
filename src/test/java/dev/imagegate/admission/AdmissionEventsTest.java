package dev.imagegate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.audit.MockCluster;
import dev.imagegate.config.Mode;
import dev.imagegate.policy.Finding;
import dev.imagegate.policy.Verdict;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events on denied and warned workloads: on the controller, rate-limited, never for dry runs, never a secret. */
class AdmissionEventsTest {

  private MockCluster cluster;
  private KubernetesClient client;
  private SimpleMeterRegistry meters;
  private AdmissionEvents events;

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

  private static Decision decision(AdmissionCall request, Mode mode, String message) {
    Verdict verdict = new Verdict(List.of(new Finding("web", "nginx:1.27", "run-as-non-root", message, mode)));
    return new Decision(AdmissionResponses.of(request.uid(), verdict), verdict, null);
  }

  /** A pod as a ReplicaSet creates it: generateName, no name, a controller owner. */
  private static Pod replicaSetPod(String replicaSet) {
    return new PodBuilder(Reviews.pod(null, Reviews.spec(Reviews.container("web", "nginx:1.27")))).editMetadata()
        .withName(null).withGenerateName(replicaSet + "-")
        .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet").withName(replicaSet)
            .withUid("rs-uid-" + replicaSet).withController(true).build())
        .endMetadata().build();
  }

  private List<Event> written() {
    assertThat(events.drain(Duration.ofSeconds(5))).isTrue();
    return client.events().v1().events().inNamespace("apps").list().getItems();
  }

  private double count(String outcome) {
    var counter = meters.find("imagegate.events").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aCrashLoopingControllerGetsOneEventPerIntervalOnItself() throws Exception {
    for (int i = 0; i < 20; i++) {
      AdmissionCall request = Reviews.call(replicaSetPod("web-5d4f8b"), false);
      events.record(request, decision(request, Mode.ENFORCE, "image runs as root"));
    }
    List<Event> written = written();
    assertThat(written).singleElement().satisfies(event -> {
      assertThat(event.getRegarding().getKind()).isEqualTo("ReplicaSet");
      assertThat(event.getRegarding().getName()).isEqualTo("web-5d4f8b");
      assertThat(event.getRegarding().getUid()).isEqualTo("rs-uid-web-5d4f8b");
      assertThat(event.getType()).isEqualTo("Warning");
      assertThat(event.getReason()).isEqualTo("PolicyViolation");
      assertThat(event.getAction()).isEqualTo("Denied");
      assertThat(event.getReportingController()).isEqualTo("imagegate.dev/admission");
      assertThat(event.getReportingInstance()).isNotBlank();
      assertThat(event.getEventTime()).isNotNull();
      assertThat(event.getNote()).startsWith("imagegate denied CREATE of a Pod: 1 violation")
          .contains("container \"web\" (nginx:1.27): [run-as-non-root] image runs as root");
    });
    assertThat(count("suppressed")).isEqualTo(19);

    // another workload, and a warning on the same one, are events of their own
    AdmissionCall other = Reviews.call(replicaSetPod("api-7c9d"), false);
    events.record(other, decision(other, Mode.ENFORCE, "image runs as root"));
    AdmissionCall warned = Reviews.call(replicaSetPod("web-5d4f8b"), false);
    events.record(warned, decision(warned, Mode.WARN, "image runs as root"));
    assertThat(written()).extracting(e -> e.getRegarding().getName() + " " + e.getAction())
        .containsExactlyInAnyOrder("web-5d4f8b Denied", "api-7c9d Denied", "web-5d4f8b Warned");
  }

  @Test
  void aBarePodIsReportedOnItself() throws Exception {
    AdmissionCall request = Reviews.call(Reviews.pod("web", Reviews.spec(Reviews.container("web", "nginx:1.27"))), false);
    events.record(request, decision(request, Mode.ENFORCE, "image runs as root"));
    assertThat(written()).singleElement().satisfies(event -> {
      assertThat(event.getRegarding().getKind()).isEqualTo("Pod");
      assertThat(event.getRegarding().getApiVersion()).isEqualTo("v1");
      assertThat(event.getRegarding().getName()).isEqualTo("web");
      assertThat(event.getNote()).startsWith("imagegate denied CREATE of Pod web");
    });
  }

  @Test
  void dryRunsAndAllowedOrAuditedAdmissionsWriteNothing() throws Exception {
    AdmissionCall dryRun = Reviews.call(replicaSetPod("web-5d4f8b"), true);
    events.record(dryRun, decision(dryRun, Mode.ENFORCE, "image runs as root"));
    AdmissionCall audited = Reviews.call(replicaSetPod("web-5d4f8b"), false);
    events.record(audited, decision(audited, Mode.AUDIT, "image runs as root"));
    AdmissionCall clean = Reviews.call(replicaSetPod("web-5d4f8b"), false);
    events.record(clean, new Decision(AdmissionResponses.allow(clean.uid()), Verdict.CLEAN, null));
    assertThat(written()).isEmpty();
    assertThat(cluster.writes("/events")).isEmpty();
  }

  @Test
  void switchedOffWritesNothingAndNeedsNoClient() throws Exception {
    AdmissionEvents off = new AdmissionEvents(false, Duration.ofMinutes(10), () -> {
      throw new AssertionError("no client when events are off");
    }, meters);
    AdmissionCall request = Reviews.call(replicaSetPod("web-5d4f8b"), false);
    off.record(request, decision(request, Mode.ENFORCE, "image runs as root"));
    assertThat(off.drain(Duration.ofSeconds(1))).isTrue();
    assertThat(cluster.writes("/events")).isEmpty();
  }

  @Test
  void longNotesAreCutUnderTheApiLimitAndNeverHoldSecretValues() throws Exception {
    AdmissionCall request = Reviews.call(new PodBuilder(Reviews.pod("leaky", Reviews.spec(new ContainerBuilder()
        .withName("app").withImage("acme/leaky:1.0").addNewEnv().withName("DB_PASSWORD").withValue("hunter2-S3cr3t").endEnv()
        .build()))).build(), false);
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      findings.add(new Finding("app" + i, "acme/leaky:1.0", "no-secrets-in-env",
          "DB_PASSWORD in pod env looks like a password; reference a Secret (valueFrom.secretKeyRef)", Mode.ENFORCE));
    }
    Verdict verdict = new Verdict(findings);
    events.record(request, new Decision(AdmissionResponses.of(request.uid(), verdict), verdict, null));
    Event event = written().get(0);
    assertThat(event.getNote().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1000);
    assertThat(event.getNote()).contains("40 violations").endsWith("…").doesNotContain("hunter2");
    assertThat(AdmissionEvents.limit("ä".repeat(2000)).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1000);
  }
}
