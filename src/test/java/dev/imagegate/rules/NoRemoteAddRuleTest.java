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

class NoRemoteAddRuleTest {
  static final List<String> officialImages = ImageConfigs.OFFICIAL;

  private final NoRemoteAddRule rule = new NoRemoteAddRule(new NoRemoteAddRule.Options(null, null));

  private List<String> messages(NoRemoteAddRule rule, ImageFacts image) {
    return Violations.messages(rule, container().build(), image);
  }

  @Test
  void idIsStableAndTheRuleIsOffByDefault() {
    assertThat(rule.id()).isEqualTo("no-remote-add");
    assertThat(rule.onByDefault()).isFalse();
  }

  /** Official images ADD their root filesystem from the build context and COPY their scripts. */
  @ParameterizedTest
  @FieldSource("officialImages")
  void officialImagesAddOnlyLocalFiles(String fixture) {
    assertThat(messages(rule, ImageConfigs.load(fixture))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini # buildkit",
    "ADD --chmod=755 http://example.com/tool /usr/local/bin/tool # buildkit",
    "ADD [\"https://example.com/a.tgz\", \"/opt/\"]",
    "ADD HTTPS://EXAMPLE.COM/A.TGZ /opt/ # buildkit",
  })
  void addFromAUrlIsReported(String createdBy) {
    assertThat(messages(rule, ImageConfigs.config().own(createdBy).facts())).singleElement()
        .satisfies(m -> assertThat(m).startsWith("ADD from a URL in step 1; download with RUN curl and check a checksum: \"ADD "));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "ADD app.tar.gz /app/ # buildkit",
    "/bin/sh -c #(nop) ADD file:4b1be1de1a1e5aa608c688cad2824587262081866180b7368feb79d33ca05953 in / ",
    "COPY https-config.yaml /etc/ # buildkit",
    "RUN /bin/sh -c curl -fsSLO https://example.com/a.tgz # buildkit",
    "ADD . /https://odd-but-a-destination # buildkit",
  })
  void localAddsAndOtherStepsPass(String createdBy) {
    assertThat(messages(rule, ImageConfigs.config().own(createdBy).facts())).isEmpty();
  }

  @Test
  void checksummedAddPassesOnlyWhenAllowed() {
    ImageFacts image = ImageConfigs.config()
        .own("ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a.tgz /a # buildkit")
        .facts();
    assertThat(messages(rule, image)).hasSize(1);
    NoRemoteAddRule allowing = new NoRemoteAddRule(Violations.configWithOptions(NoRemoteAddRule.ID, Map.of("allowChecksum", true)));
    assertThat(messages(allowing, image)).isEmpty();
  }

  @Test
  void aUrlWithCredentialsIsWithheld() {
    ImageFacts image = ImageConfigs.config().own("ADD https://ci:Xk82mPq7Lz@files.example.com/a.tgz /a # buildkit").facts();
    assertThat(messages(rule, image)).singleElement().satisfies(m ->
        assertThat(m).doesNotContain("Xk82mPq7Lz").endsWith(": \"ADD (withheld: it holds a URL with an embedded password)\""));
  }
}
