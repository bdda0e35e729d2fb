package dev.imagegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.rules.RuleOrder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule's help link in a SARIF report lands on a heading that exists in the documentation. */
class RuleHelpTest {
  static Stream<String> everyRuleId() {
    return Stream.concat(RuleOrder.IDS.stream(), Stream.of(PolicyEngine.IMAGE_REFERENCE, PolicyEngine.IMAGE_UNAVAILABLE, RuleHelp.INPUT_ERROR));
  }

  @ParameterizedTest
  @MethodSource("everyRuleId")
  void theLinkOfEachRuleIdLandsOnAHeadingOfItsDocument(String ruleId) {
    String link = RuleHelp.link(ruleId);
    String doc = link.substring((RuleHelp.REPOSITORY + "/blob/main/docs/").length(), link.indexOf('#'));

    assertThat(link).startsWith(RuleHelp.REPOSITORY + "/blob/main/docs/");
    assertThat(anchors(Path.of("docs", doc))).as("anchors of docs/%s", doc).contains(link.substring(link.indexOf('#') + 1));
    assertThat(RuleHelp.summary(ruleId)).doesNotStartWith("imagegate rule "); // a sentence of its own
  }

  @Test
  void aRulesLinkIsItsOwnSectionOfTheRulesAndPseudoRulesShareTheirs() {
    assertThat(RuleHelp.link("run-as-non-root")).isEqualTo(RuleHelp.REPOSITORY + "/blob/main/docs/rules.md#run-as-non-root");
    assertThat(RuleHelp.link(PolicyEngine.IMAGE_UNAVAILABLE)).endsWith("/docs/rules.md#pseudo-rules-and-limits");
    assertThat(RuleHelp.link(RuleHelp.INPUT_ERROR)).endsWith("/docs/cli.md#what-is-read");
  }

  @Test
  void anchorsAreDerivedAsGithubDerivesThem() {
    assertThat(RuleHelp.anchor("Pseudo-rules and limits")).isEqualTo("pseudo-rules-and-limits");
    assertThat(RuleHelp.anchor("Value formats (fire whatever the name)")).isEqualTo("value-formats-fire-whatever-the-name");
    assertThat(RuleHelp.anchor("`imagegate check`: the admission verdict in CI")).isEqualTo("imagegate-check-the-admission-verdict-in-ci");
    assertThat(RuleHelp.anchor("no_sudo & friends")).isEqualTo("no_sudo--friends");
  }

  /**
   * The anchors GitHub gives a Markdown file's headings: ATX headings outside fenced code, each
   * slug once, a repeated one with {@code -1}, {@code -2}….
   */
  static Set<String> anchors(Path markdown) {
    List<String> lines;
    try {
      lines = Files.readAllLines(markdown);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fenced = false;
    for (String line : lines) {
      if (line.startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced && line.matches("#{1,6} .*")) {
        String slug = RuleHelp.anchor(line.replaceFirst("^#+ ", "").replaceFirst("\\s+#+\\s*$", ""));
        int repeat = seen.merge(slug, 1, Integer::sum) - 1;
        anchors.add(repeat == 0 ? slug : slug + "-" + repeat);
      }
    }
    return anchors;
  }

  @Test
  void headingsInFencedCodeAreNoAnchors() throws IOException {
    Path doc = Files.createTempFile("doc", ".md");
    Files.writeString(doc, String.join("\n", "# Title", "```sh", "# a shell comment", "```", "## Twice", "## Twice"));
    assertThat(anchors(doc)).containsExactly("title", "twice", "twice-1");
  }
}
