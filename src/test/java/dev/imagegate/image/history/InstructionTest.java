package dev.imagegate.image.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every history form builders write, read as the instruction it records. */
class InstructionTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    // classic builder RUN, with and without build args
    "`/bin/sh -c apt-get update && apt-get install -y curl`| RUN | apt-get update && apt-get install -y curl",
    "`|2 TOKEN=abc MODE=prod /bin/sh -c make install`| RUN | make install",
    // BuildKit RUN, with build args, flags and another SHELL
    "`RUN /bin/sh -c set -eux; apk add --no-cache curl # buildkit`| RUN | set -eux; apk add --no-cache curl",
    "`RUN |1 TARGETARCH=amd64 /bin/sh -c go build ./... # buildkit`| RUN | go build ./...",
    "`RUN --mount=type=cache,target=/var/cache/apt /bin/sh -c apt-get update # buildkit`| RUN | apt-get update",
    "`RUN /bin/bash -o pipefail -c curl -fsSL x | sh # buildkit`| RUN | `curl -fsSL x | sh`",
    "`RUN apt-get install -y curl # buildkit`| RUN | apt-get install -y curl",
    "`cmd /S /C powershell -Command Invoke-WebRequest x`| RUN | powershell -Command Invoke-WebRequest x",
    // classic builder metadata and copies
    "`/bin/sh -c #(nop)  ENV NGINX_VERSION=1.27.3`| ENV | NGINX_VERSION=1.27.3",
    "`/bin/sh -c #(nop) ADD file:4b1be1de1a1e in / `| ADD | file:4b1be1de1a1e in /",
    "`/bin/sh -c #(nop)  CMD [\"bash\"]`| CMD | [\"bash\"]",
    "`cmd /S /C #(nop) USER ContainerUser`| USER | ContainerUser",
    // BuildKit metadata and copies
    "`ADD https://example.com/tool.tgz /opt/ # buildkit`| ADD | https://example.com/tool.tgz /opt/",
    "`COPY --chown=app:app . /app # buildkit`| COPY | . /app",
    "`ENTRYPOINT [\"docker-entrypoint.sh\"]`| ENTRYPOINT | [\"docker-entrypoint.sh\"]",
    "`EXPOSE map[5432/tcp:{}]`| EXPOSE | map[5432/tcp:{}]",
  })
  void readsTheInstruction(String createdBy, String keyword, String body) {
    Instruction instruction = Instruction.of(createdBy);
    assertThat(instruction.keyword()).isEqualTo(keyword);
    assertThat(instruction.body()).isEqualTo(body);
  }

  @Test
  void buildArgumentsAreCountedNotGuessed() {
    assertThat(Instruction.of("|1 A=1 /bin/sh -c B=2 make").buildArgs()).containsExactly("A=1");
    assertThat(Instruction.of("RUN |2 EE_PORTS= TARGETARCH=amd64 /bin/sh -c set -ex # buildkit").buildArgs())
        .containsExactly("EE_PORTS=", "TARGETARCH=amd64");
  }

  @Test
  void runAndCopyFlagsAreKeptApart() {
    assertThat(Instruction.of("RUN --mount=type=cache,target=/root/.cache --network=none /bin/sh -c pip install x # buildkit").flags())
        .containsExactly("--mount=type=cache,target=/root/.cache", "--network=none");
    assertThat(Instruction.of("ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://x/y /y").flags())
        .containsExactly("--checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    "bazel build ...",
    "`# debian.sh --arch 'amd64' out/ 'bookworm' '@1733097600'`",
    "jib-maven-plugin:3.4.0",
    "`ENVIRONMENT=prod`",
  })
  void otherLinesNameNoInstruction(String createdBy) {
    Instruction instruction = Instruction.of(createdBy);
    assertThat(instruction.keyword()).isEmpty();
    assertThat(instruction.addsContent()).isFalse();
  }

  @Test
  void shownTextNeverHoldsABuildArgumentOrEnvValue() {
    assertThat(Instruction.of("RUN |1 NPM_TOKEN=npm_KLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFR /bin/sh -c npm ci # buildkit").shown())
        .isEqualTo("RUN npm ci");
    assertThat(Instruction.of("/bin/sh -c #(nop)  ENV DB_PASSWORD=Zq8wL2vR9tYx4Kp APP=shop").shown()).isEqualTo("ENV DB_PASSWORD APP");
    assertThat(Instruction.of("/bin/sh -c #(nop)  ENV DB_PASSWORD Zq8wL2vR9tYx4Kp").shown()).isEqualTo("ENV DB_PASSWORD");
    assertThat(Instruction.of("ARG SENTRY_AUTH_TOKEN=sntrys_Hq3Nd8Wm5Tz1Kb6").shown()).isEqualTo("ARG SENTRY_AUTH_TOKEN");
    assertThat(Instruction.of("LABEL maintainer=NGINX Docker Maintainers <docker-maint@nginx.com>").shown()).isEqualTo("LABEL maintainer");
    assertThat(Instruction.of("RUN |1 NPM_TOKEN=npm_KLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFR /bin/sh -c npm ci").toString())
        .doesNotContain("npm_KLzd");
  }

  @Test
  void copiesAndRunsAddContentMetadataDoesNot() {
    assertThat(List.of("RUN /bin/sh -c true", "COPY . /app", "/bin/sh -c #(nop) ADD file:0 in / ", "/bin/sh -c make"))
        .allSatisfy(line -> assertThat(Instruction.of(line).addsContent()).as(line).isTrue());
    assertThat(List.of("CMD [\"x\"]", "/bin/sh -c #(nop)  ENV A=1", "USER 1000", "bazel build ..."))
        .allSatisfy(line -> assertThat(Instruction.of(line).addsContent()).as(line).isFalse());
  }
}
