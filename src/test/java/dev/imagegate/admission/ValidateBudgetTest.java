package dev.imagegate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ValidateBudgetTest {
  @Test
  void registryWorkEndsBeforeTheApiserverGivesUp() {
    assertThat(ValidateResource.budget("10s")).isEqualTo(Duration.ofSeconds(9));
    assertThat(ValidateResource.budget("30s")).isEqualTo(Duration.ofSeconds(29));
    assertThat(ValidateResource.budget("2s")).isEqualTo(Duration.ofMillis(1_600));
    assertThat(ValidateResource.budget("1s")).isEqualTo(Duration.ofMillis(750));
    assertThat(ValidateResource.budget("10s")).as("asked again after others").isEqualTo(Duration.ofSeconds(9));
  }

  @Test
  void noOrUnreadableTimeoutMeansTheApiserverDefault() {
    assertThat(ValidateResource.budget(null)).isEqualTo(Duration.ofSeconds(9));
    assertThat(ValidateResource.budget("")).isEqualTo(Duration.ofSeconds(9));
    assertThat(ValidateResource.budget("soon")).isEqualTo(Duration.ofSeconds(9));
  }
}
