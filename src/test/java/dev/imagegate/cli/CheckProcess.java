package dev.imagegate.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code java -jar target/quarkus-app/quarkus-run.jar check …} as a process, as a CI runner would. */
public final class CheckProcess {
  static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
  /** The disk cache's default home for the runs of one test JVM, never the user's ~/.cache: runs share it, as a CI job's steps would. */
  static final Path CACHE_HOME = temporaryDirectory();

  /** What the command did. */
  public record Outcome(int exit, String stdout, String stderr) {}

  /** A command started and not yet finished: its standard input is open until {@link #finish}. */
  public record Started(Process process, Path stdout, Path stderr) {
    /** Writes {@code stdin} (may be null), closes standard input and waits for the exit. */
    public Outcome finish(String stdin) throws IOException, InterruptedException {
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("imagegate check did not finish within 90 s; stderr:\n" + Files.readString(stderr));
      }
      return new Outcome(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }
  }

  private CheckProcess() {}

  /** Starts {@code imagegate check args} with {@code env} added to this environment (less IMAGEGATE_CONFIG; XDG_CACHE_HOME at {@link #CACHE_HOME} unless {@code env} sets it). */
  public static Started start(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Djdk.net.hosts.file=" + System.getProperty("jdk.net.hosts.file"), "-jar", JAR.toString(), "check"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("imagegate-check", ".out");
    Path err = Files.createTempFile("imagegate-check", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("IMAGEGATE_CONFIG");
    builder.environment().put("XDG_CACHE_HOME", CACHE_HOME.toString());
    builder.environment().putAll(env);
    return new Started(builder.start(), out, err);
  }

  public static Outcome run(String stdin, Map<String, String> env, String... args) throws IOException, InterruptedException {
    return start(env, args).finish(stdin);
  }

  public static Outcome run(String... args) throws IOException, InterruptedException {
    return run(null, Map.of(), args);
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("imagegate-cache-home");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
