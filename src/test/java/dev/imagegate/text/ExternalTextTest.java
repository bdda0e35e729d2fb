package dev.imagegate.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExternalTextTest {
  @Test
  void theApiserverGetsNoControlCharacterButAnyOtherUnicode() {
    assertThat(ExternalText.forApiserver("a\tb\u0085c\u007fé😀")).isEqualTo("a b c é😀");
    assertThat(ExternalText.forApiserver(null)).isEmpty();
    assertThat(ExternalText.forApiserver("abcdef", 4)).isEqualTo("abc…");
    assertThat(ExternalText.forApiserver("abcd", 4)).isEqualTo("abcd");
  }

  @Test
  void aQuoteInAFindingHasNeitherControlNorFormatCharactersAndIsBounded() {
    assertThat(ExternalText.quotedInMessage("ro\u202eot\n")).isEqualTo("\"root\"");
    assertThat(ExternalText.quotedInMessage("x".repeat(70))).isEqualTo("\"" + "x".repeat(64) + "...\"");
  }

  @Test
  void aRegistryFieldIsPrintableAsciiOneQuestionMarkPerCharacter() {
    assertThat(ExternalText.registryField("application/x\u0000😀")).isEqualTo("application/x??");
    assertThat(ExternalText.registryField("y".repeat(101))).isEqualTo("y".repeat(100) + "...");
  }

  @Test
  void aRegistryMessageIsOneTidyLineOrNothing() {
    assertThat(ExternalText.registryMessage("  line one\nline\u0007two  ")).isEqualTo("line one line two");
    assertThat(ExternalText.registryMessage("\u0000\t")).isNull();
    assertThat(ExternalText.registryMessage("z".repeat(130))).isEqualTo("z".repeat(120) + "...");
  }

  @Test
  void whatAUserWroteIsShownEscapedByItsStartAndEnd() {
    assertThat(ExternalText.quotedInput("ng\"in\\x\u00a0\t")).isEqualTo("\"ng\\\"in\\\\x\\u00a0\\u0009\"");
    assertThat(ExternalText.quotedInput(null)).isEqualTo("(null)");
    String longInput = "a".repeat(150) + "b".repeat(20);
    assertThat(ExternalText.quotedInput(longInput)).isEqualTo("\"" + "a".repeat(120) + "..." + "b".repeat(20) + "\"");
  }

  @Test
  void aHistoryStepIsOnePrintableAsciiLineCutToItsLengthInAll() {
    assertThat(ExternalText.historyStep("RUN set -eux;\t\tapt-get update;\n\u001b[1m  é", 80)).isEqualTo("RUN set -eux; apt-get update; ?[1m ?");
    assertThat(ExternalText.historyStep("RUN " + "x".repeat(100), 80)).hasSize(80).endsWith("x...");
    assertThat(ExternalText.historyStep("RUN make      install", 80)).isEqualTo("RUN make install");
  }
}
