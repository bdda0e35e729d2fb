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
final class CheckProcess {
  static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

  /** What the command did. */
  record Outcome(int exit, String stdout, String stderr) {}

  private CheckProcess() {}

  static Outcome run(String stdin, Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Djdk.net.hosts.file=" + System.getProperty("jdk.net.hosts.file"), "-jar", JAR.toString(), "check"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("imagegate-check", ".out");
    Path err = Files.createTempFile("imagegate-check", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("IMAGEGATE_CONFIG");
    builder.environment().putAll(env);
    Process process = builder.start();
    try (var in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("imagegate check did not finish within 90 s; stderr:\n" + Files.readString(err));
    }
    return new Outcome(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  static Outcome run(String... args) throws IOException, InterruptedException {
    return run(null, Map.of(), args);
  }
}
