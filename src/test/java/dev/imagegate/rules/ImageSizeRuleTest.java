package dev.imagegate.rules;

import static dev.imagegate.rules.Containers.container;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagegate.config.ConfigException;
import dev.imagegate.image.ImageFacts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageSizeRuleTest {
  private final ImageSizeRule rule = new ImageSizeRule(new ImageSizeRule.Options(null));

  private static ImageFacts ofSize(long bytes) {
    return ImageConfigs.load(ImageConfigs.NGINX).withCompressedSize(bytes);
  }

  private List<String> messages(ImageSizeRule rule, ImageFacts image) {
    return Violations.messages(rule, container().build(), image);
  }

  @Test
  void idIsStableAndTheRuleIsOffByDefault() {
    assertThat(rule.id()).isEqualTo("image-size");
    assertThat(rule.onByDefault()).isFalse();
  }

  /** nginx:1.27 (bookworm) pulls about 72 MB on linux/amd64. */
  @Test
  void officialImageUnderTheDefaultPasses() {
    assertThat(messages(rule, ofSize(72_950_000))).isEmpty();
    assertThat(messages(rule, ofSize(300_000_000))).isEmpty();
  }

  @Test
  void heavierThanTheLimitIsReportedWithBothSizes() {
    assertThat(messages(rule, ofSize(412_345_678)))
        .containsExactly("compressed size 412.3 MB exceeds maxCompressedSize 300MB; use a slim, alpine or distroless base and a build stage");
  }

  @Test
  void factsThatDidNotComeThroughAManifestHaveNoSizeToJudge() {
    assertThat(messages(rule, ImageConfigs.load(ImageConfigs.NGINX))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"300MB, 300000000", "1.5GB, 1500000000", "256MiB, 268435456", "512 kb, 512000", "1024, 1024", "2TiB, 2199023255552"})
  void sizesReadDecimalAndBinaryUnits(String written, long bytes) {
    assertThat(ImageSizeRule.bytes(written)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"300 megabytes", "-1MB", "0MB", "MB", "lots"})
  void aBadSizeStopsTheStartNamingTheKey(String written) {
    assertThatThrownBy(() -> new ImageSizeRule(Violations.configWithOptions(ImageSizeRule.ID, Map.of("maxCompressedSize", written))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("rules.image-size")
        .hasMessageContaining("maxCompressedSize");
  }

  @Test
  void aMisspeltOptionIsNamed() {
    assertThatThrownBy(() -> new ImageSizeRule(Violations.configWithOptions(ImageSizeRule.ID, Map.of("maxSize", "1GB"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("rules.image-size")
        .hasMessageContaining("maxSize");
  }

  @Test
  void configuredLimit() {
    ImageSizeRule small = new ImageSizeRule(Violations.configWithOptions(ImageSizeRule.ID, Map.of("maxCompressedSize", "50MB")));
    assertThat(messages(small, ofSize(72_950_000))).singleElement()
        .satisfies(m -> assertThat(m).startsWith("compressed size 73.0 MB exceeds maxCompressedSize 50MB"));
  }
}
