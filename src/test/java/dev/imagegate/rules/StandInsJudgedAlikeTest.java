package dev.imagegate.rules;

import static dev.imagegate.rules.Containers.container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.image.ImageFacts;
import dev.imagegate.rules.secrets.StandIns;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The stand-ins the CLI's disk cache keeps are judged as the real facts by every rule, the optional ones on. */
class StandInsJudgedAlikeTest {
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nginx-1.27", "python-3.12", "postgres-16", "redis-7.4", "kong-3.9", "alpine-3.20",
      "distroless-static-nonroot", "distroless-static-root", "leaky-app", "careless-python-app"})
  void everyRuleGivesTheSameViolationsForTheStandIns(String fixture) {
    ImageFacts real = ImageConfigs.load(fixture).withCompressedSize(80_000_000);

    ImageFacts sealed = StandIns.of(real).orElseThrow();

    List<ContainerContext> containers = List.of(container().build(),
        container().runAsUser(1000).withProbe().env("PYTHONUNBUFFERED", "").env("API_TOKEN", "Rj4Xv9Lp2Qs7Mn5").build());
    for (ContainerContext pod : containers) {
      for (Rule rule : OfficialImageConfigsTest.RULES) {
        assertThat(rule.check(pod, sealed)).as(rule.id()).isEqualTo(rule.check(pod, real));
      }
    }
    assertThat(sealed.env()).hasSameSizeAs(real.env());
  }
}
