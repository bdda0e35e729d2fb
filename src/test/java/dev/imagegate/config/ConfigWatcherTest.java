package dev.imagegate.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.testing.Await;
import dev.imagegate.testing.ConfigMapVolume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWatcherTest {
  /** Long enough never to come within a test. */
  private static final Duration NEVER = Duration.ofHours(1);

  @TempDir
  Path dir;

  private final List<String> handed = new CopyOnWriteArrayList<>();
  private final List<String> unreadable = new CopyOnWriteArrayList<>();
  private ConfigWatcher watcher;

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private void watch(ConfigMapVolume volume, Duration interval, Duration settle) {
    String seen = ConfigFile.read(volume.file()).hash();
    watcher = new ConfigWatcher(volume.file(), seen, interval, settle, new ConfigWatcher.Listener() {
      @Override
      public void changed(ConfigFile file) {
        handed.add(file.text());
      }

      @Override
      public void unreadable(ConfigException failure) {
        unreadable.add(failure.getMessage());
      }
    });
    watcher.start();
  }

  @Test
  void aConfigMapUpdateIsSeenThroughTheSwapOfItsDataSymlink() throws Exception {
    ConfigMapVolume volume = ConfigMapVolume.create(dir, "config.yaml", "mode: enforce\n");
    watch(volume, NEVER, Duration.ofMillis(10)); // only the directory's events can lead to a re-read

    volume.update("mode: warn\n");

    Await.until(() -> !handed.isEmpty(), "the new content");
    assertThat(handed).containsExactly("mode: warn\n");
    assertThat(Files.isSymbolicLink(volume.file())).as("the file was never written in place").isTrue();
  }

  @Test
  void theFileIsReReadPeriodicallySoAChangeIsSeenWhenNoEventLeadsToIt() throws Exception {
    ConfigMapVolume volume = ConfigMapVolume.create(dir, "config.yaml", "mode: enforce\n");
    watch(volume, Duration.ofMillis(100), NEVER); // what an event would trigger comes too late: as if it were missed

    volume.update("mode: audit\n");

    Await.until(() -> !handed.isEmpty(), "the periodic re-read");
    assertThat(handed).containsExactly("mode: audit\n");
  }

  @Test
  void anotherFileChangingInTheDirectoryHandsNothingOver() throws Exception {
    ConfigMapVolume volume = ConfigMapVolume.create(dir, "config.yaml", "mode: enforce\n");
    watch(volume, NEVER, Duration.ofMillis(10));

    Files.writeString(dir.resolve("unrelated.txt"), "x");
    volume.update("mode: warn\n");

    Await.until(() -> !handed.isEmpty(), "the new content");
    assertThat(handed).as("the unrelated file's event read the same content: nothing to hand over").containsExactly("mode: warn\n");
  }

  @Test
  void aFileThatCannotBeReadIsToldOnceAndItsReturnIsHandedOver() throws Exception {
    ConfigMapVolume volume = ConfigMapVolume.create(dir, "config.yaml", "mode: enforce\n");
    watch(volume, Duration.ofMillis(50), Duration.ofMillis(10));

    Files.delete(dir.resolve("..data")); // the file's symlink now leads nowhere
    Await.until(() -> !unreadable.isEmpty(), "the failure");
    volume.update("mode: warn\n");
    Await.until(() -> !handed.isEmpty(), "the file back");

    assertThat(unreadable).singleElement().asString().contains("cannot read configuration file").contains("config.yaml");
    assertThat(handed).containsExactly("mode: warn\n");
  }
}
