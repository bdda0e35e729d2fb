package dev.imagegate.rules.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.history.BuildHistory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HistoryEnvTest {

  private static List<EnvEntry> entries(String... createdBy) {
    return HistoryEnv.entries(BuildHistory.read(List.of(createdBy), ImageFacts.UNKNOWN));
  }

  @Test
  void classicBuilderRunRecordsItsBuildArguments() {
    assertThat(entries("|2 DB_PASSWORD=hunter2 OTHER=x /bin/sh -c make install"))
        .extracting(EnvEntry::key, EnvEntry::value, EnvEntry::place)
        .containsExactly(tuple("DB_PASSWORD", "hunter2", Place.BUILD_ARG), tuple("OTHER", "x", Place.BUILD_ARG));
  }

  @Test
  void buildkitRunRecordsItsBuildArguments() {
    assertThat(entries("RUN |1 TOKEN=abc123 /bin/sh -c git clone https://example.com/r.git # buildkit"))
        .extracting(EnvEntry::key, EnvEntry::value, EnvEntry::place)
        .containsExactly(tuple("TOKEN", "abc123", Place.BUILD_ARG));
  }

  @Test
  void onlyTheCountedPairsAreBuildArguments() {
    assertThat(entries("|1 A=1 /bin/sh -c B=2 make")).extracting(EnvEntry::key).containsExactly("A");
  }

  @Test
  void emptyBuildArgumentKeepsItsPlace() {
    assertThat(entries("RUN |2 EE_PORTS= TARGETARCH=amd64 /bin/sh -c set -ex # buildkit"))
        .extracting(EnvEntry::key, EnvEntry::value)
        .containsExactly(tuple("EE_PORTS", ""), tuple("TARGETARCH", "amd64"));
  }

  @Test
  void classicBuilderEnvLine() {
    assertThat(entries("/bin/sh -c #(nop)  ENV NGINX_VERSION=1.27.3"))
        .extracting(EnvEntry::key, EnvEntry::value, EnvEntry::place)
        .containsExactly(tuple("NGINX_VERSION", "1.27.3", Place.HISTORY_ENV));
  }

  @Test
  void classicBuilderEnvLineWithManyPairs() {
    assertThat(entries("/bin/sh -c #(nop)  ENV A=1 B=2"))
        .extracting(EnvEntry::key, EnvEntry::value)
        .containsExactly(tuple("A", "1"), tuple("B", "2"));
  }

  @Test
  void legacyEnvWithoutEqualsSign() {
    assertThat(entries("/bin/sh -c #(nop)  ENV DB_PASSWORD hunter2 two"))
        .extracting(EnvEntry::key, EnvEntry::value)
        .containsExactly(tuple("DB_PASSWORD", "hunter2 two"));
  }

  @Test
  void buildkitEnvLine() {
    assertThat(entries("ENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305"))
        .extracting(EnvEntry::key, EnvEntry::value, EnvEntry::place)
        .containsExactly(tuple("GPG_KEY", "7169605F62C751356D054A26A821E680E5FA6305", Place.HISTORY_ENV));
  }

  @Test
  void unquotedValueWithSpacesAndEqualsSignsStaysWhole() {
    assertThat(entries("ENV JAVA_OPTS=-Dfile.encoding=UTF-8 -Xmx1g", "ENV DEPS=llvm15-dev \t\tclang15"))
        .extracting(EnvEntry::key, EnvEntry::value)
        .containsExactly(tuple("JAVA_OPTS", "-Dfile.encoding=UTF-8 -Xmx1g"), tuple("DEPS", "llvm15-dev clang15"));
  }

  @Test
  void buildkitArgWithDefaultValue() {
    assertThat(entries("ARG SENTRY_AUTH_TOKEN=sntrys_abc"))
        .extracting(EnvEntry::key, EnvEntry::value, EnvEntry::place)
        .containsExactly(tuple("SENTRY_AUTH_TOKEN", "sntrys_abc", Place.BUILD_ARG));
  }

  @Test
  void argWithoutValueHasAnEmptyValue() {
    assertThat(entries("ARG TARGETARCH", "/bin/sh -c #(nop)  ARG NPM_TOKEN"))
        .extracting(EnvEntry::key, EnvEntry::value, EnvEntry::place)
        .containsExactly(tuple("TARGETARCH", "", Place.BUILD_ARG), tuple("NPM_TOKEN", "", Place.BUILD_ARG));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "RUN /bin/sh -c set -eux; apt-get update; rm -rf /var/lib/apt/lists/* # buildkit",
        "/bin/sh -c set -x && groupadd --system --gid 101 nginx && ENV=1 make",
        "/bin/sh -c #(nop)  LABEL maintainer=NGINX Docker Maintainers <docker-maint@nginx.com>",
        "/bin/sh -c #(nop)  CMD [\"nginx\" \"-g\" \"daemon off;\"]",
        "COPY docker-entrypoint.sh / # buildkit",
        "HEALTHCHECK &{[\"CMD-SHELL\" \"kong health\"] \"10s\" \"10s\" \"0s\" \"0s\" '\\n'}",
        "USER 1000",
        "# debian.sh --arch 'amd64' out/ 'bookworm' '@1733097600'",
        "bazel build ...",
        "ENVIRONMENT=prod",
        "",
        "ENV ",
        "RUN |x A=1 /bin/sh -c true",
        "|99999999999 A=1 /bin/sh -c true",
      })
  void otherInstructionsRecordNoVariables(String createdBy) {
    assertThat(entries(createdBy)).isEmpty();
  }

  @Test
  void entryToStringHidesTheValue() {
    assertThat(entries("RUN |1 TOKEN=Kx7Vq2Lm9Pw4 /bin/sh -c make # buildkit").toString())
        .contains("TOKEN")
        .doesNotContain("Kx7Vq2Lm9Pw4");
  }

  @Test
  void entryWithoutEqualsSignHasAnEmptyValue() {
    assertThat(EnvEntry.parse("JUST_A_NAME", Place.IMAGE_ENV)).isEqualTo(new EnvEntry("JUST_A_NAME", "", Place.IMAGE_ENV));
    assertThat(EnvEntry.parse("A=b=c", Place.IMAGE_ENV).value()).isEqualTo("b=c");
  }
}
