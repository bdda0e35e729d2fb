package dev.imagegate.image.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.imagegate.image.ImageFacts;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Installs and removals followed across steps: what is still installed, and by which step. */
class BuildHistoryTest {

  private static BuildHistory read(String... createdBy) {
    return BuildHistory.read(List.of(createdBy), ImageFacts.UNKNOWN);
  }

  private static List<String> installed(String... createdBy) {
    return read(createdBy).installed().stream().map(BuildHistory.Installed::name).toList();
  }

  @Test
  void aPackageInstalledAndNeverRemovedStaysWithItsStep() {
    BuildHistory history = read("ENV A=1", "RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3 curl # buildkit");
    assertThat(history.installed()).extracting(BuildHistory.Installed::name, i -> i.step().number())
        .containsExactly(tuple("gcc", 2), tuple("curl", 2));
  }

  @Test
  void aLaterPurgeOrRemoveTakesItAway() {
    assertThat(installed("/bin/sh -c apt-get install -y gcc make curl", "/bin/sh -c apt-get purge -y --auto-remove gcc && apt-get remove -y make"))
        .containsExactly("curl");
    assertThat(installed("RUN /bin/sh -c dnf install -y gcc-c++ git # buildkit", "RUN /bin/sh -c dnf remove -y gcc-c++ # buildkit"))
        .containsExactly("git");
  }

  @Test
  void apkVirtualGroupIsDeletedByItsName() {
    assertThat(installed(
        "RUN /bin/sh -c apk add --no-cache --virtual .build-deps gcc musl-dev && pip install x && apk del --no-network .build-deps # buildkit",
        "RUN /bin/sh -c apk add --no-cache -t .tools make && apk add --no-cache tini # buildkit"))
        .containsExactly("make", "tini");
  }

  @Test
  void debianAptMarkIdiomRemovesWhatItsStepInstalled() {
    assertThat(installed(
        "RUN /bin/sh -c apt-get install -y ca-certificates # buildkit",
        "RUN /bin/sh -c set -eux; savedAptMark=\"$(apt-mark showmanual)\"; apt-get update; apt-get install -y gcc libssl-dev make;"
            + " make install; apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark;"
            + " apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; rm -rf /var/lib/apt/lists/* # buildkit"))
        .containsExactly("ca-certificates");
  }

  @Test
  void purgeWithoutAptMarkRemovesOnlyWhatItNames() {
    assertThat(installed("RUN /bin/sh -c apt-get install -y gcc curl && apt-get purge -y --auto-remove curl # buildkit"))
        .containsExactly("gcc");
  }

  @Test
  void variablesFilesAndBuildArgsAreNoPackages() {
    assertThat(installed("RUN |1 PKGS=gcc /bin/sh -c apt-get install -y $PKGS /tmp/kong.deb ./local.deb \"${EXTRA}\" sudo # buildkit"))
        .containsExactly("sudo");
  }

  @Test
  void stepsBeforeTheBaseBoundaryAreBaseImageSteps() {
    BuildHistory history = BuildHistory.read(List.of("ADD rootfs.tar.gz / # buildkit", "CMD [\"sh\"]", "RUN /bin/sh -c true # buildkit"), 2);
    assertThat(history.steps()).extracting(HistoryStep::inBaseImage).containsExactly(true, true, false);
    assertThat(BuildHistory.read(List.of("RUN /bin/sh -c true"), ImageFacts.UNKNOWN).steps().get(0).inBaseImage()).isFalse();
  }

  @Test
  void readOncePerImage() {
    ImageFacts image = new ImageFacts("linux/amd64", "sha256:" + "0".repeat(64), "", null, List.of(), List.of("RUN /bin/sh -c true"));
    assertThat(BuildHistory.of(image)).isSameAs(BuildHistory.of(image));
  }
}
