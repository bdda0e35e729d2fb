package dev.imagegate.rules;

import static dev.imagegate.rules.Containers.container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.Digest;
import dev.imagegate.image.ImageReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DisallowLatestTagRuleTest {
  private static final String DIGEST = "sha256:" + "ab12".repeat(16);

  private final DisallowLatestTagRule rule = new DisallowLatestTagRule(new DisallowLatestTagRule.Options(null));
  private final DisallowLatestTagRule tagsOnly = new DisallowLatestTagRule(new DisallowLatestTagRule.Options(false));

  /** A Docker Hub official image as written, parsed by hand (the parser is not ours). */
  private static ImageReference nginx(String tag, String digest) {
    String written = "nginx" + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    return new ImageReference(written, "docker.io", "library/nginx", tag, digest == null ? null : Digest.parse(digest));
  }

  private static List<String> messages(Rule rule, ImageReference reference) {
    return Violations.messages(rule, container().image(reference).build(), null);
  }

  @Test
  void idIsStableAndTheRuleNeedsNoImage() {
    assertThat(rule.id()).isEqualTo("disallow-latest-tag").isEqualTo(DisallowLatestTagRule.ID);
    assertThat(rule.needsImage()).isFalse();
  }

  @Test
  void untaggedImageFailsBecauseItMeansLatest() {
    assertThat(messages(rule, nginx(null, null)))
        .containsExactly("no tag means :latest, which moves; pin a version tag (e.g. :1.27.3) or a digest (@sha256:...)");
  }

  @Test
  void latestTagFails() {
    assertThat(messages(rule, nginx("latest", null)))
        .containsExactly("tag :latest moves as new images are pushed; pin a version tag (e.g. :1.27.3) or a digest (@sha256:...)");
  }

  @Test
  void latestTagInAnyCaseFails() {
    assertThat(messages(rule, nginx("LATEST", null))).hasSize(1);
  }

  @Test
  void untaggedImageOnPrivateRegistryWithPortFails() {
    ImageReference reference = new ImageReference("localhost:5000/team/app", "localhost:5000", "team/app", null, null);
    assertThat(messages(rule, reference)).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.27.3", "1.27", "stable-alpine", "latest-alpine", "mainline"})
  void anyOtherTagPasses(String tag) {
    assertThat(messages(rule, nginx(tag, null))).isEmpty();
  }

  @Test
  void digestPinnedImagePasses() {
    assertThat(messages(rule, nginx(null, DIGEST))).isEmpty();
  }

  @Test
  void latestPinnedByDigestPassesByDefault() {
    assertThat(messages(rule, nginx("latest", DIGEST))).isEmpty();
  }

  @Test
  void latestPinnedByDigestFailsWhenDigestPinningIsNotAllowed() {
    assertThat(messages(tagsOnly, nginx("latest", DIGEST)))
        .containsExactly("tag :latest names no version, even with a digest; pin a version tag (e.g. :1.27.3)");
  }

  @Test
  void digestWithoutTagFailsWhenDigestPinningIsNotAllowed() {
    assertThat(messages(tagsOnly, nginx(null, DIGEST)))
        .containsExactly("a digest alone names no version; pin a version tag (e.g. :1.27.3)");
  }

  @Test
  void versionTagWithDigestPassesWhenDigestPinningIsNotAllowed() {
    assertThat(messages(tagsOnly, nginx("1.2", DIGEST))).isEmpty();
  }

  @Test
  void fixSuggestsNoDigestWhenDigestPinningIsNotAllowed() {
    assertThat(messages(tagsOnly, nginx("latest", null))).singleElement().asString().doesNotContain("sha256");
  }

  @Test
  void unparseableImageIsLeftToTheCallersParseError() {
    assertThat(Violations.messages(rule, container().unparseableImage("NGINX:").build(), null)).isEmpty();
  }

  @Test
  void allowDigestPinnedDefaultsToTrueWhenTheRuleIsNotConfigured() {
    DisallowLatestTagRule configured = new DisallowLatestTagRule(ImagegateConfig.defaults());
    assertThat(messages(configured, nginx("latest", DIGEST))).isEmpty();
  }

  @Test
  void allowDigestPinnedIsReadFromTheConfiguration() {
    DisallowLatestTagRule configured =
        new DisallowLatestTagRule(Violations.configWithOptions(DisallowLatestTagRule.ID, Map.of("allowDigestPinned", false)));
    assertThat(messages(configured, nginx("latest", DIGEST))).hasSize(1);
  }
}
