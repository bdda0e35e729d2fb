package dev.imagegate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.Mode;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.ImageFetchException;
import dev.imagegate.registry.ResolvedImage;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.ContainerKind;
import dev.imagegate.rules.Rule;
import dev.imagegate.rules.Violation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The precedence of modes, exactly as the table in README and docs/audit.md: {@code off} on the
 * namespace switches imagegate off there; otherwise the namespace's label replaces the global mode,
 * and a rule's own {@code rules.<id>.mode} wins over both.
 */
class NamespaceModePrecedenceTest {
  /** Fires on every container, from the pod spec alone. */
  private static final Rule ALWAYS = new Rule() {
    public String id() {
      return "always";
    }

    public boolean needsImage() {
      return false;
    }

    public List<Violation> check(ContainerContext c, ImageFacts image) {
      return List.of(new Violation("always", "always fires"));
    }
  };

  /** Needs the image: reading it fails. */
  private static final Rule READS = new Rule() {
    public String id() {
      return "reads";
    }

    public List<Violation> check(ContainerContext c, ImageFacts image) {
      return List.of();
    }
  };

  private final AtomicInteger fetches = new AtomicInteger();
  private final ImageSource missing = ref -> {
    fetches.incrementAndGet();
    return CompletableFuture.failedFuture(new ImageFetchException("docker.io/" + ref.repository() + ": manifest unknown (HTTP 404)"));
  };

  private static final ContainerContext APP = new ContainerContext("a", ContainerKind.CONTAINER, "app:1",
      new ImageReference("app:1", "docker.io", "app", "1", null), null, null, false, List.of());

  private PolicyEngine engine(String yaml) {
    return new PolicyEngine(ConfigLoader.parse(yaml), List.of(ALWAYS, READS), missing);
  }

  private static Mode mode(String text) {
    return "-".equals(text) ? null : Mode.of(text);
  }

  /** global mode | rule's own mode | namespace label | mode of the rule's violations ("none": not judged). */
  @ParameterizedTest(name = "global {0}, rule {1}, namespace {2} -> {3}")
  @CsvSource({
      "enforce, -,       -,       enforce",
      "enforce, -,       audit,   audit",
      "enforce, -,       warn,    warn",
      "audit,   -,       enforce, enforce",
      "audit,   enforce, -,       enforce",
      "audit,   enforce, audit,   enforce",
      "enforce, warn,    enforce, warn",
      "enforce, audit,   warn,    audit",
      "enforce, -,       off,     none",
      "enforce, enforce, off,     none",
      "enforce, off,     enforce, none",
  })
  void precedence(String global, String rule, String namespace, String expected) {
    String yaml = "mode: " + global + "\n" + ("-".equals(rule) ? "" : "rules:\n  always:\n    mode: \"" + rule + "\"\n");
    PolicyEngine engine = engine(yaml);
    Verdict verdict = engine.judge("apps", mode(namespace), List.of(APP), Duration.ofSeconds(1)).join();
    List<Mode> modes = verdict.findings().stream().filter(f -> f.ruleId().equals("always")).map(Finding::mode).toList();
    if ("none".equals(expected)) {
      assertThat(modes).isEmpty();
      assertThat(engine.modeIn("always", mode(namespace))).isEqualTo(Mode.OFF);
    } else {
      assertThat(modes).containsExactly(Mode.of(expected));
      assertThat(engine.modeIn("always", mode(namespace))).isEqualTo(Mode.of(expected));
    }
  }

  @Test
  void namespaceOffJudgesNothingAndReadsNoImage() {
    Verdict verdict = engine("").judge("apps", Mode.OFF, List.of(APP), Duration.ofSeconds(1)).join();
    assertThat(verdict.findings()).isEmpty();
    assertThat(fetches).hasValue(0);
  }

  @Test
  void unreadableImageAndInvalidReferenceFollowTheNamespaceMode() {
    Verdict audited = engine("mode: enforce\n").judge("apps", Mode.AUDIT, List.of(APP), Duration.ofSeconds(1)).join();
    assertThat(audited.findings()).filteredOn(f -> f.ruleId().equals(PolicyEngine.IMAGE_UNAVAILABLE))
        .extracting(Finding::mode).containsExactly(Mode.AUDIT);
    // onError allow never denies, whatever the namespace says
    PolicyEngine lenient = engine("registries:\n  onError: allow\n");
    assertThat(lenient.modeIn(PolicyEngine.IMAGE_UNAVAILABLE, Mode.ENFORCE)).isEqualTo(Mode.WARN);
    assertThat(lenient.modeIn(PolicyEngine.IMAGE_UNAVAILABLE, Mode.AUDIT)).isEqualTo(Mode.AUDIT);
    ContainerContext bad = new ContainerContext("b", ContainerKind.CONTAINER, "Bad Ref", null, null, null, false, List.of());
    Verdict invalid = engine("mode: audit\n").judge("apps", Mode.ENFORCE, List.of(bad), Duration.ofSeconds(1)).join();
    assertThat(invalid.findings()).extracting(Finding::ruleId, Finding::mode)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(PolicyEngine.IMAGE_REFERENCE, Mode.ENFORCE));
    assertThat(invalid.denied()).isTrue();
  }

  @Test
  void namespaceExemptionsStillApplyWhateverTheLabel() {
    PolicyEngine engine = engine("rules:\n  always:\n    exemptions:\n      namespaces: [apps]\n");
    Verdict verdict = engine.judge("apps", Mode.ENFORCE, List.of(APP), Duration.ofSeconds(1)).join();
    assertThat(verdict.findings()).extracting(Finding::ruleId).doesNotContain("always");
  }
}
