package dev.imagegate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.Mode;
import dev.imagegate.policy.Finding;
import dev.imagegate.policy.StaleNotice;
import dev.imagegate.policy.Verdict;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AdmissionResponsesTest {

  private static Finding finding(String container, Mode mode) {
    return new Finding(container, "nginx:1.27", "run-as-non-root", "runs as root; set USER to a numeric UID", mode);
  }

  @Test
  void denialCarries403AndListsEveryEnforcedViolation() {
    Verdict verdict = new Verdict(List.of(finding("web", Mode.ENFORCE), finding("sidecar", Mode.ENFORCE), finding("x", Mode.WARN)));
    AdmissionResponse response = AdmissionResponses.of("uid-1", verdict);
    assertThat(response.getUid()).isEqualTo("uid-1");
    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getCode()).isEqualTo(403);
    assertThat(response.getStatus().getMessage())
        .contains("container \"web\" (nginx:1.27): [run-as-non-root] runs as root; set USER to a numeric UID")
        .contains("container \"sidecar\" (nginx:1.27): [run-as-non-root]")
        .doesNotContain("container \"x\"");
    assertThat(response.getWarnings()).hasSize(1);
  }

  @Test
  void warnModeAllowsWithOneWarningPerViolation() {
    AdmissionResponse response = AdmissionResponses.of("u", new Verdict(List.of(finding("a", Mode.WARN), finding("b", Mode.WARN))));
    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getStatus()).isNull();
    assertThat(response.getWarnings()).containsExactly(
        "[run-as-non-root] container \"a\": runs as root; set USER to a numeric UID",
        "[run-as-non-root] container \"b\": runs as root; set USER to a numeric UID");
  }

  @Test
  void auditModeAllowsWithoutWarningsAndRecordsAuditAnnotations() {
    AdmissionResponse response = AdmissionResponses.of("u", new Verdict(List.of(finding("a", Mode.AUDIT))));
    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getWarnings()).isNullOrEmpty();
    assertThat(response.getAuditAnnotations()).containsOnlyKeys("run-as-non-root");
    assertThat(response.getAuditAnnotations().get("run-as-non-root")).contains("container \"a\" (nginx:1.27) [audit]");
    assertThat(response.getAuditAnnotations().keySet()).allSatisfy(key -> assertThat(key).doesNotContain("/"));
  }

  @Test
  void warningsStayWithinTheApiserverLimits() {
    List<Finding> many = new ArrayList<>();
    IntStream.range(0, 500).forEach(i -> many.add(new Finding("c" + i, "img", "rule",
        "a long message with a control\ncharacter\t and more text ".repeat(5), Mode.WARN)));
    List<String> warnings = AdmissionResponses.of("u", new Verdict(many)).getWarnings();
    assertThat(warnings).allSatisfy(w -> {
      assertThat(w.length()).isLessThanOrEqualTo(120);
      assertThat(w.chars().noneMatch(ch -> ch < 0x20 || ch == 0x7f)).isTrue();
    });
    assertThat(warnings.stream().mapToInt(w -> w.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum())
        .isLessThan(4096);
    assertThat(warnings.get(warnings.size() - 1)).contains("more warnings not shown");
  }

  @Test
  void hugeDenialIsCutWithACount() {
    List<Finding> many = new ArrayList<>();
    IntStream.range(0, 10_000).forEach(i -> many.add(finding("c" + i, Mode.ENFORCE)));
    String message = AdmissionResponses.of("u", new Verdict(many)).getStatus().getMessage();
    assertThat(message.length()).isLessThanOrEqualTo(AdmissionResponses.MESSAGE_MAX_CHARS + 40);
    assertThat(message).startsWith("imagegate: 10000 violations").containsPattern("… and \\d+ more$");
  }

  @Test
  void factsJudgedDuringAnOutageGiveOneWarningNamingEachRegistryOnce() {
    StaleNotice stale = new StaleNotice(Duration.ofSeconds(192), List.of("docker.io", "ghcr.io"));
    AdmissionResponse response = AdmissionResponses.of("u", new Verdict(List.of(), stale));
    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getWarnings()).containsExactly("imagegate: judged on registry facts from 3m12s ago: docker.io, ghcr.io unreachable");
  }

  @Test
  void theOutageWarningComesFirstAndStaysWithinTheLimitsWhateverTheRegistries() {
    List<String> registries = IntStream.range(0, 40).mapToObj(i -> "registry-" + i + ".example.com").toList();
    List<Finding> many = new ArrayList<>();
    IntStream.range(0, 500).forEach(i -> many.add(finding("c" + i, Mode.WARN)));
    List<String> warnings = AdmissionResponses.of("u", new Verdict(many, new StaleNotice(Duration.ofHours(23).plusMinutes(59), registries)))
        .getWarnings();
    assertThat(warnings.get(0)).isEqualTo(
        "imagegate: judged on registry facts from 23h ago: registry-0.example.com, registry-1.example.com and 38 more unreachable");
    assertThat(warnings.get(0)).hasSizeLessThanOrEqualTo(AdmissionResponses.WARNING_MAX_CHARS);
    assertThat(warnings.stream().filter(w -> w.contains("judged on registry facts"))).hasSize(1);
    assertThat(warnings.stream().mapToInt(String::length).sum()).isLessThan(AdmissionResponses.WARNINGS_MAX_TOTAL);
  }

  @Test
  void aDenialDuringAnOutageStillSaysWhichFactsItWasJudgedOn() {
    AdmissionResponse response = AdmissionResponses.of("u",
        new Verdict(List.of(finding("web", Mode.ENFORCE)), new StaleNotice(Duration.ofSeconds(75), List.of("docker.io"))));
    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getWarnings()).containsExactly("imagegate: judged on registry facts from 1m15s ago: docker.io unreachable");
  }
}
