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

class NoBuildToolsRuleTest {
  static final List<String> officialImages = ImageConfigs.OFFICIAL;

  private final NoBuildToolsRule rule = new NoBuildToolsRule(new NoBuildToolsRule.Options(null, null));

  private List<String> messages(ImageFacts image) {
    return Violations.messages(rule, container().build(), image);
  }

  @Test
  void idIsStableAndTheRuleIsOffByDefault() {
    assertThat(rule.id()).isEqualTo("no-build-tools");
    assertThat(rule.onByDefault()).isFalse();
  }

  /** python, postgres and redis compile from source and remove their toolchain in the same step. */
  @ParameterizedTest
  @FieldSource("officialImages")
  void officialImagesRemoveTheirToolchain(String fixture) {
    assertThat(messages(ImageConfigs.load(fixture))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "RUN /bin/sh -c apt-get update && apt-get install -y build-essential && rm -rf /var/lib/apt/lists/* # buildkit",
    "/bin/sh -c apt-get install -y gcc-12",
    "|1 V=1 /bin/sh -c apt-get install -y libpq-dev",
    "RUN /bin/sh -c apk add --no-cache --virtual .build-deps gcc musl-dev # buildkit",   // the group is never deleted
    "RUN /bin/sh -c apk add --no-cache go # buildkit",
    "RUN /bin/sh -c dnf install -y gcc-c++ openssl-devel && dnf clean all # buildkit",
    "RUN /bin/sh -c yum groupinstall -y 'Development Tools' # buildkit",
    "RUN /bin/sh -c apt-get install -y maven && apt-get purge -y curl # buildkit",
  })
  void toolchainLeftInTheImageIsReported(String createdBy) {
    assertThat(messages(ImageConfigs.config().own(createdBy).facts())).singleElement()
        .satisfies(message -> assertThat(message).contains("left installed in step 1; use a build stage"));
  }

  @Test
  void aLaterStepThatRemovesTheToolsClearsThem() {
    ImageFacts image = ImageConfigs.config()
        .own("RUN /bin/sh -c apt-get update && apt-get install -y gcc make && rm -rf /var/lib/apt/lists/* # buildkit")
        .own("RUN /bin/sh -c make -C /src install # buildkit")
        .own("RUN /bin/sh -c apt-get purge -y --auto-remove gcc make # buildkit")
        .facts();
    assertThat(messages(image)).isEmpty();
  }

  @Test
  void messageNamesAtMostThreeToolsAndTheStep() {
    ImageFacts image = ImageConfigs.config()
        .own("RUN /bin/sh -c apt-get install -y curl gcc g++ make cmake libssl-dev # buildkit").facts();
    assertThat(messages(image)).containsExactly("build tools gcc, g++, make and 2 more left installed in step 1; use a build stage:"
        + " \"RUN apt-get install -y curl gcc g++ make cmake libssl-dev\"");
  }

  @Test
  void toolsFromTheBaseImageAreReportedAsSuch() {
    ImageFacts image = ImageConfigs.config().base("RUN /bin/sh -c apt-get install -y build-essential # buildkit").baseEnd()
        .own("COPY . /app # buildkit").facts();
    assertThat(messages(image)).singleElement().satisfies(m -> assertThat(m).contains("in a base-image step (step 1)"));
    NoBuildToolsRule skipping = new NoBuildToolsRule(Violations.configWithOptions(NoBuildToolsRule.ID, Map.of("skipBaseImageSteps", true)));
    assertThat(Violations.messages(skipping, container().build(), image)).isEmpty();
  }

  @Test
  void allowedPackagesAreNotReported() {
    NoBuildToolsRule allowing =
        new NoBuildToolsRule(Violations.configWithOptions(NoBuildToolsRule.ID, Map.of("allowPackages", List.of("LIBPQ-dev"))));
    ImageFacts image = ImageConfigs.config().own("RUN /bin/sh -c apt-get install -y libpq-dev # buildkit").facts();
    assertThat(Violations.messages(allowing, container().build(), image)).isEmpty();
  }

  @Test
  void runtimePackagesAreNoBuildTools() {
    assertThat(List.of("curl", "git", "libpq5", "openjdk-17-jre", "dpkg", "udev", "ca-certificates", "python3", "nodejs"))
        .noneMatch(NoBuildToolsRule::isBuildTool);
    assertThat(List.of("gcc", "g++-12", "build-base", "zlib1g-dev", "openssl-devel", "linux-headers", "golang-1.22-go"))
        .allMatch(NoBuildToolsRule::isBuildTool);
  }

  @Test
  void carelessAppKeepsBuildEssential() {
    assertThat(messages(ImageConfigs.load(ImageConfigs.CARELESS_PYTHON_APP))).singleElement()
        .satisfies(m -> assertThat(m).startsWith("build tools build-essential, libpq-dev left installed in step 12"));
  }
}
