package dev.imagegate.cli;

import dev.imagegate.config.ConfigException;
import dev.imagegate.config.ConfigLoader;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * imagegate's entry point: with no arguments the webhook server, as always; {@code check …} judges
 * manifests and images and exits, with no port opened and nothing asked of a cluster.
 */
@QuarkusMain
public final class Main {
  private Main() {}

  public static void main(String... args) {
    if (args.length == 0 || !"check".equals(args[0])) {
      Quarkus.run(args);
      return;
    }
    String[] checkArgs = Arrays.copyOfRange(args, 1, args.length);
    CheckOptions options = new CheckOptions();
    CommandLine command = new CommandLine(options).setCaseInsensitiveEnumValuesAllowed(true);
    PrintWriter err = new PrintWriter(System.err, true);
    try {
      CommandLine.ParseResult parsed = command.parseArgs(checkArgs);
      if (parsed.isUsageHelpRequested()) {
        command.usage(System.out);
        System.exit(0);
      }
      if (parsed.isVersionHelpRequested()) {
        command.printVersionHelp(System.out);
        System.exit(0);
      }
      CheckMode.validate(options);
      if (options.config != null) {
        ConfigLoader.load(options.config); // a wrong key is named now, before anything starts
      }
    } catch (CommandLine.ParameterException e) {
      err.println("imagegate check: " + e.getMessage());
      err.println("Try 'imagegate check --help' for usage.");
      System.exit(2);
    } catch (ConfigException e) {
      err.println("imagegate check: " + e.getMessage());
      System.exit(2);
    }
    CheckMode.configure(options);
    Quarkus.run(CheckApplication.class, checkArgs);
  }

  /** Whether {@code path} names a readable file (for the options' checks). */
  static boolean readable(Path path) {
    return Files.isRegularFile(path) && Files.isReadable(path);
  }
}
