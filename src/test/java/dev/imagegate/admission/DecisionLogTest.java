package dev.imagegate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DecisionLogTest {
  @Test
  void durationIsMillisecondsRoundedToTwoDecimals() {
    assertThat(DecisionLog.milliseconds(0)).isEqualTo("0.00");
    assertThat(DecisionLog.milliseconds(4_999)).isEqualTo("0.00");
    assertThat(DecisionLog.milliseconds(5_000)).isEqualTo("0.01");
    assertThat(DecisionLog.milliseconds(1_070_000)).isEqualTo("1.07");
    assertThat(DecisionLog.milliseconds(12_345_678)).isEqualTo("12.35");
    assertThat(DecisionLog.milliseconds(-1)).isEqualTo("0.00");
  }
}
