package dev.imagegate.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.RuleSettings;
import dev.imagegate.image.ImageFacts;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs a rule and checks what every message must be, whatever the test is about. */
public final class Violations {
  /** Messages are one line the caller prefixes; about 100 characters, a little more with a long name in them. */
  static final int MAX_MESSAGE_LENGTH = 120;
  /** A finding about a history step ends with the step, quoted: {@code …: "RUN apt-get update …"}. */
  private static final Pattern QUOTED_STEP = Pattern.compile("(.*): \"(.*)\"$");

  private Violations() {}

  public static List<Violation> of(Rule rule, ContainerContext container, ImageFacts image) {
    List<Violation> violations = rule.check(container, rule.needsImage() ? image : null);
    assertThat(violations).allSatisfy(violation -> assertWellFormed(rule, container, violation));
    return violations;
  }

  public static List<String> messages(Rule rule, ContainerContext container, ImageFacts image) {
    return of(rule, container, image).stream().map(Violation::message).toList();
  }

  /** A configuration whose only entry is {@code ruleId}'s options block. */
  public static ImagegateConfig configWithOptions(String ruleId, Map<String, Object> options) {
    return new ImagegateConfig(null, Map.of(ruleId, new RuleSettings(null, null, options)), null, null, null);
  }

  private static void assertWellFormed(Rule rule, ContainerContext container, Violation violation) {
    assertThat(violation.ruleId()).isEqualTo(rule.id());
    String message = violation.message();
    Matcher step = QUOTED_STEP.matcher(message);
    if (step.matches() && message.contains(" step ")) {
      assertThat(step.group(2)).hasSizeLessThanOrEqualTo(StepText.MAX_SHOWN).matches("[\\x20-\\x7e]*");
      message = step.group(1);
    }
    assertThat(message).hasSizeLessThanOrEqualTo(MAX_MESSAGE_LENGTH);
    assertThat(violation.message())
        .isNotBlank()
        .doesNotContain(container.name())
        .doesNotContain(container.image())
        .doesNotContainPattern("\\p{Cntrl}");
  }
}
