package dev.imagegate.rules;

import static dev.imagegate.rules.Containers.container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.image.ImageFacts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

class NoSudoRuleTest {
  static final List<String> officialImages = ImageConfigs.OFFICIAL;

  private final NoSudoRule rule = new NoSudoRule(new NoSudoRule.Options(null));

  private List<String> messages(ImageFacts image) {
    return Violations.messages(rule, container().build(), image);
  }

  @Test
  void idIsStableAndTheRuleIsOffByDefault() {
    assertThat(rule.id()).isEqualTo("no-sudo");
    assertThat(rule.onByDefault()).isFalse();
  }

  /** postgres and redis drop privileges with gosu/su-exec: not sudo. */
  @ParameterizedTest
  @FieldSource("officialImages")
  void officialImagesHaveNoSudo(String fixture) {
    assertThat(messages(ImageConfigs.load(fixture))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "RUN /bin/sh -c apt-get update && apt-get install -y sudo && rm -rf /var/lib/apt/lists/* # buildkit",
    "/bin/sh -c apk add --no-cache sudo",
    "RUN /bin/sh -c dnf install -y sudo && dnf clean all # buildkit",
  })
  void installingSudoIsReported(String createdBy) {
    assertThat(messages(ImageConfigs.config().own(createdBy).facts())).singleElement()
        .satisfies(m -> assertThat(m).startsWith("sudo installed in step 1; drop it; switch users with USER: \""));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "RUN /bin/sh -c sudo chown app /data # buildkit",
    "|1 A=1 /bin/sh -c make && sudo make install",
    "RUN /bin/sh -c if [ -d /x ]; then sudo rm -rf /x; fi # buildkit",
  })
  void runningSudoIsReported(String createdBy) {
    assertThat(messages(ImageConfigs.config().own(createdBy).facts())).singleElement()
        .satisfies(m -> assertThat(m).startsWith("sudo run in step 1; "));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "RUN /bin/sh -c useradd -G sudo app # buildkit",
    "RUN /bin/sh -c echo 'sudo is not here' # buildkit",
    "RUN /bin/sh -c gosu nobody true # buildkit",
    "RUN /bin/sh -c apt-get install -y sudo && apt-get purge -y sudo # buildkit",
    "/bin/sh -c #(nop)  ENV SUDO_FORCE_REMOVE=yes",
  })
  void otherMentionsOfSudoPass(String createdBy) {
    assertThat(messages(ImageConfigs.config().own(createdBy).facts())).isEmpty();
  }

  @Test
  void baseImageSudoIsReportedAsSuchOrSkipped() {
    ImageFacts image = ImageConfigs.config().base("RUN /bin/sh -c apt-get install -y sudo # buildkit").baseEnd()
        .own("COPY . /app # buildkit").facts();
    assertThat(messages(image)).singleElement().satisfies(m -> assertThat(m).contains("in a base-image step (step 1)"));
    NoSudoRule skipping = new NoSudoRule(Violations.configWithOptions(NoSudoRule.ID, Map.of("skipBaseImageSteps", true)));
    assertThat(Violations.messages(skipping, container().build(), image)).isEmpty();
  }
}
