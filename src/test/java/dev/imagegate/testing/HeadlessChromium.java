package dev.imagegate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium}, headless, one process per page: {@code --dump-dom} for the DOM as the
 * browser built it, {@code --screenshot} for a PNG. Each run gets a fresh profile directory and
 * talks to nothing but the URL given (no sync, no updates, no proxy). scripts/test installs the
 * package; a machine without it fails here with that said.
 */
public final class HeadlessChromium {
  private static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final long TIMEOUT_SECONDS = 60;

  private HeadlessChromium() {}

  /** The DOM of {@code url} after the browser loaded it, serialized as HTML. */
  public static String dumpDom(String url) {
    return run(List.of("--dump-dom", url), null);
  }

  /** A PNG of {@code url} in a window of {@code width} × {@code height} pixels, written to {@code file}. */
  public static void screenshot(String url, Path file, int width, int height) {
    run(List.of("--screenshot=" + file.toAbsolutePath(), "--window-size=" + width + "," + height, "--hide-scrollbars", url), file);
  }

  private static String run(List<String> arguments, Path expectedFile) {
    if (!Files.isExecutable(BINARY)) {
      throw new AssertionError(BINARY + " is missing: install Debian's chromium (scripts/test does: apt-get install chromium)");
    }
    Path profile = null;
    try {
      profile = Files.createTempDirectory("imagegate-chromium");
      Path stdout = profile.resolve("stdout.txt");
      Path stderr = profile.resolve("stderr.txt");
      List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
          "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-dev-shm-usage", "--no-proxy-server", "--force-device-scale-factor=1",
          "--user-data-dir=" + profile.resolve("profile")));
      command.addAll(arguments);
      Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
      process.getOutputStream().close();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
      }
      if (process.exitValue() != 0 || expectedFile != null && !Files.exists(expectedFile)) {
        throw new AssertionError("chromium failed (exit " + process.exitValue() + "): " + command + "\n" + Files.readString(stderr));
      }
      return Files.readString(stdout, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      delete(profile);
    }
  }

  private static void delete(Path directory) {
    if (directory == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
