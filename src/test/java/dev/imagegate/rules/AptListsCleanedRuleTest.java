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

class AptListsCleanedRuleTest {
  static final List<String> officialImages = ImageConfigs.OFFICIAL;

  private final AptListsCleanedRule rule = new AptListsCleanedRule(new AptListsCleanedRule.Options(null));

  private List<String> messages(ImageFacts image) {
    return Violations.messages(rule, container().build(), image);
  }

  @Test
  void idIsStableAndTheRuleIsOffByDefault() {
    assertThat(rule.id()).isEqualTo("apt-lists-cleaned");
    assertThat(rule.onByDefault()).isFalse();
  }

  @ParameterizedTest
  @FieldSource("officialImages")
  void officialImagesCleanUpInTheSameStep(String fixture) {
    assertThat(messages(ImageConfigs.load(fixture))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "/bin/sh -c apt-get update && apt-get install -y curl",                                     // classic builder
    "|1 HTTP_PROXY=http://proxy:3128 /bin/sh -c apt-get update && apt-get install -y curl",     // classic, with a build arg
    "RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit",                      // BuildKit
    "RUN |1 TARGETARCH=amd64 /bin/sh -c apt-get update &&     apt-get install -y curl # buildkit",
    "RUN /bin/sh -c apt-get update;     apt install -y curl;     apt-get clean # buildkit",     // apt-get clean keeps the lists
    "RUN /bin/sh -c rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y x # buildkit", // cleaned before, not after
    "RUN /bin/sh -c apt-get update # buildkit",                                                  // the step that writes the lists
    "RUN /bin/sh -c apk add curl # buildkit",
    "RUN /bin/sh -c apk update && apk upgrade # buildkit",
    "RUN /bin/sh -c yum install -y httpd # buildkit",
    "RUN /bin/sh -c microdnf install -y nginx && microdnf clean packages # buildkit",
    "RUN /bin/sh -c zypper --non-interactive install curl # buildkit",
    "RUN /bin/sh -c sudo apt-get install -y curl # buildkit",
  })
  void installWithoutCleanupInTheSameStepIsReported(String createdBy) {
    assertThat(messages(ImageConfigs.config().own(createdBy).facts())).singleElement()
        .satisfies(message -> assertThat(message).contains(" in step 1; "));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* # buildkit",
    "/bin/sh -c apt-get update \\\n && apt-get install -y curl \\\n && rm -r /var/lib/apt/lists",
    "RUN --mount=type=cache,target=/var/lib/apt,sharing=locked /bin/sh -c apt-get update && apt-get install -y curl # buildkit",
    "RUN /bin/sh -c apk add --no-cache curl # buildkit",
    "RUN /bin/sh -c apk --no-cache add curl # buildkit",
    "RUN /bin/sh -c apk add curl && rm -rf /var/cache/apk/* # buildkit",
    "RUN /bin/sh -c dnf install -y nginx && dnf clean all # buildkit",
    "RUN /bin/sh -c yum -y install httpd && rm -rf /var/cache/yum # buildkit",
    "RUN /bin/sh -c zypper -n in curl && zypper clean -a # buildkit",
    "RUN /bin/sh -c apt-get remove -y curl # buildkit",
    "RUN /bin/sh -c echo apt-get install -y curl # buildkit",
    "/bin/sh -c #(nop)  ENV APT=apt-get install",
  })
  void cleanStepsPass(String createdBy) {
    assertThat(messages(ImageConfigs.config().own(createdBy).facts())).isEmpty();
  }

  @Test
  void messageNamesTheStepAndTheFixWithoutBuildArgumentValues() {
    ImageFacts image = ImageConfigs.config().own("ENV A=1")
        .own("RUN |1 APT_TOKEN=Kx7Vq2Lm9Pw4Rt /bin/sh -c apt-get update && apt-get install -y curl # buildkit").facts();
    assertThat(messages(image)).containsExactly(
        "apt-get update/install without rm -rf /var/lib/apt/lists in step 2; clean up in the same RUN:"
            + " \"RUN apt-get update && apt-get install -y curl\"");
  }

  @Test
  void aDirtyBaseImageStepIsReportedAsSuchAndItsCleanupDoesNotExcuseTheApp() {
    ImageFacts image = ImageConfigs.config()
        .base("RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit")
        .base("RUN /bin/sh -c rm -rf /var/lib/apt/lists/* # buildkit")
        .baseEnd()
        .own("RUN /bin/sh -c apt-get update && apt-get install -y git # buildkit")
        .facts();
    assertThat(messages(image)).satisfiesExactly(
        base -> assertThat(base).contains("in a base-image step (step 1)"),
        own -> assertThat(own).contains(" in step 4; "));
  }

  @Test
  void skipBaseImageStepsLeavesTheBaseToItsMaintainers() {
    AptListsCleanedRule skipping =
        new AptListsCleanedRule(Violations.configWithOptions(AptListsCleanedRule.ID, Map.of("skipBaseImageSteps", true)));
    ImageFacts image = ImageConfigs.config().base("RUN /bin/sh -c apt-get update # buildkit").baseEnd()
        .own("RUN /bin/sh -c apk add git # buildkit").facts();
    assertThat(Violations.messages(skipping, container().build(), image)).singleElement()
        .satisfies(message -> assertThat(message).startsWith("apk add without --no-cache in step 3"));
  }

  @Test
  void longStepsAreShortenedToEightyPrintableCharacters() {
    String packages = "curl ".repeat(40);
    ImageFacts image = ImageConfigs.config().own("RUN /bin/sh -c apt-get update;\tapt-get install -y\t\t" + packages + "# buildkit").facts();
    assertThat(messages(image)).singleElement().satisfies(message -> {
      String shown = message.substring(message.indexOf(": \"") + 3, message.length() - 1);
      assertThat(shown).hasSize(StepText.MAX_SHOWN).startsWith("RUN apt-get update; apt-get install -y curl curl").endsWith("...");
    });
  }

  @Test
  void carelessAppIsReportedForItsOwnStep() {
    assertThat(messages(ImageConfigs.load(ImageConfigs.CARELESS_PYTHON_APP))).singleElement()
        .satisfies(message -> assertThat(message).contains(" in step 12; "));
  }
}
