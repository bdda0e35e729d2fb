package dev.imagegate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A directory laid out as the kubelet lays out a ConfigMap volume (its atomic writer): the key's file
 * is a symlink through {@code ..data}, itself a symlink to a timestamped directory; an update writes a
 * new timestamped directory, points {@code ..data_tmp} at it, renames that over {@code ..data} (one
 * atomic step) and removes the old directory. The file itself is never written in place.
 */
public final class ConfigMapVolume {
  private final Path dir;
  private final String key;
  private int generation;
  private Path current;

  private ConfigMapVolume(Path dir, String key) {
    this.dir = dir;
    this.key = key;
  }

  /** The volume in {@code dir} with {@code key} holding {@code content}. */
  public static ConfigMapVolume create(Path dir, String key, String content) {
    ConfigMapVolume volume = new ConfigMapVolume(dir, key);
    try {
      Files.createDirectories(dir);
      volume.update(content);
      Files.createSymbolicLink(dir.resolve(key), Path.of("..data", key));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return volume;
  }

  /** The path a pod reads: {@code <dir>/<key>}. */
  public Path file() {
    return dir.resolve(key);
  }

  /** What the kubelet does when the ConfigMap changed. */
  public void update(String content) {
    try {
      Path next = dir.resolve("..2026_12_06_11_00_00." + (++generation));
      Files.createDirectory(next);
      Files.writeString(next.resolve(key), content);
      Path tmp = dir.resolve("..data_tmp");
      Files.createSymbolicLink(tmp, next.getFileName());
      Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      if (current != null) {
        delete(current);
      }
      current = next;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path tree) throws IOException {
    try (Stream<Path> paths = Files.walk(tree)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
