package dev.imagegate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagegate.config.ConfigException;
import dev.imagegate.config.RegistrySettings;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.rules.PodPlatforms;
import dev.imagegate.rules.PodPlatforms.Dimension;
import dev.imagegate.rules.PodPlatforms.Requirement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which platforms of an image a container is judged on. */
class PlatformChoiceTest {
  private final PlatformChoice defaults = new PlatformChoice(RegistrySettings.DEFAULT_PLATFORMS);

  private static List<ImageFacts> image(String... platforms) {
    return Arrays.stream(platforms).map(p -> new ImageFacts(p, "sha256:" + p, "", null, List.of(), List.of())).toList();
  }

  private static PodPlatforms pod(Requirement... requirements) {
    return PodPlatforms.ANY.and(List.of(requirements));
  }

  private static List<String> judged(PlatformChoice.Choice<ImageFacts> choice) {
    return choice.judged().stream().map(ImageFacts::platform).toList();
  }

  @Test
  void unconstrainedPodsAreJudgedOnTheConfiguredPlatforms() {
    var choice = defaults.choose(PodPlatforms.ANY, image("linux/amd64", "linux/arm64/v8", "linux/ppc64le", "windows/amd64"));
    assertThat(judged(choice)).containsExactly("linux/amd64", "linux/arm64/v8");
  }

  @Test
  void unconstrainedPodsFallBackToLinuxThenToWhatTheImageHas() {
    assertThat(judged(defaults.choose(PodPlatforms.ANY, image("linux/s390x", "windows/amd64")))).containsExactly("linux/s390x");
    assertThat(judged(defaults.choose(PodPlatforms.ANY, image("windows/amd64")))).containsExactly("windows/amd64");
  }

  @Test
  void aWindowsPodIsJudgedOnTheWindowsChildren() {
    var choice = defaults.choose(pod(Requirement.in(Dimension.OS, "windows")), image("linux/amd64", "windows/amd64", "windows/amd64"));
    assertThat(judged(choice)).containsExactly("windows/amd64", "windows/amd64");
  }

  @Test
  void anArchitecturePinnedPodIsJudgedOnThatArchitectureOnly() {
    var amd64 = defaults.choose(pod(Requirement.in(Dimension.ARCH, "amd64")), image("linux/amd64", "linux/arm64/v8"));
    assertThat(judged(amd64)).containsExactly("linux/amd64");
    var arm64 = defaults.choose(pod(Requirement.in(Dimension.ARCH, "arm64")), image("linux/amd64", "linux/arm64/v8"));
    assertThat(judged(arm64)).containsExactly("linux/arm64/v8");
  }

  @Test
  void aLinuxPodIsJudgedOnTheConfiguredPlatformsNotOnEveryLinuxChild() {
    var choice = defaults.choose(pod(Requirement.in(Dimension.OS, "linux")), image("linux/amd64", "linux/arm/v7", "linux/s390x"));
    assertThat(judged(choice)).containsExactly("linux/amd64");
    var s390x = defaults.choose(pod(Requirement.in(Dimension.ARCH, "s390x")), image("linux/amd64", "linux/s390x"));
    assertThat(judged(s390x)).containsExactly("linux/s390x");
  }

  @Test
  void aPodThatCannotRunAnyPlatformOfTheImageIsAProblemNamingBoth() {
    var choice = defaults.choose(pod(Requirement.in(Dimension.ARCH, "arm64")), image("linux/amd64"));
    assertThat(choice.judged()).isEmpty();
    assertThat(choice.problem()).isEqualTo(
        "the pod can only be scheduled to arch arm64, and the image has only linux/amd64: the pod could not start there");
  }

  @Test
  void anIndexWithoutLinuxOrWindowsIsAProblem() {
    assertThat(defaults.choose(PodPlatforms.ANY, List.of()).problem()).isEqualTo("the image has no linux or windows platform to judge");
  }

  @Test
  void anImageWithoutPlatformInItsConfigIsJudgedForAnyPod() {
    assertThat(judged(defaults.choose(pod(Requirement.in(Dimension.OS, "windows")), image("unknown")))).containsExactly("unknown");
  }

  @Test
  void invalidConfiguredPlatformsNameTheKey() {
    assertThatThrownBy(() -> new PlatformChoice(List.of("linux"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("registries.platforms");
  }
}
