package dev.imagegate.cli;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.policy.LivePolicy;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.policy.PolicySnapshot;
import dev.imagegate.rules.Rule;
import dev.imagegate.rules.Rules;
import io.quarkus.runtime.QuarkusApplication;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;

/**
 * {@code imagegate check} once Quarkus has started (in {@link CheckMode}): the same rules, built from
 * the same configuration as the webhook's, judge through the same engine; only where image facts come
 * from differs (the registry, or nothing with {@code --offline}). The configuration is read once: the
 * check takes the one snapshot in force at its start.
 */
public class CheckApplication implements QuarkusApplication {
  private final LivePolicy policy;

  public CheckApplication(LivePolicy policy) {
    this.policy = policy;
  }

  @Override
  public int run(String... args) throws Exception {
    CheckOptions options = new CheckOptions();
    new CommandLine(options).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args); // checked by Main already
    PolicySnapshot snapshot = policy.current();
    ImagegateConfig config = snapshot.config();
    List<Rule> rules = Rules.of(config);
    PolicyEngine engine = options.offline ? new PolicyEngine(config, rules, CheckApplication::notRead) : snapshot.engine();
    List<String> ruleIds = rules.stream().filter(rule -> config.rule(rule.id()).inForce(rule.onByDefault())).map(Rule::id).toList();
    CheckReport report = new Check(engine, options.offline).run(options.files, options.images, options.namespace, System.in);
    boolean toTerminal = options.output == null && System.console() != null && System.getenv("NO_COLOR") == null
        && !"dumb".equals(System.getenv("TERM"));
    try {
      if (options.output == null) {
        write(report, ruleIds, options.format, new OutputStreamWriter(System.out, StandardCharsets.UTF_8), toTerminal);
      } else {
        try (Writer out = Files.newBufferedWriter(options.output, StandardCharsets.UTF_8)) {
          write(report, ruleIds, options.format, out, false);
        }
      }
    } catch (IOException e) {
      System.err.println("imagegate check: cannot write the report: " + e.getMessage());
      return 2;
    }
    return report.exitCode(options.failOn);
  }

  static void write(CheckReport report, List<String> ruleIds, CheckOptions.Format format, Writer out, boolean colour) throws IOException {
    switch (format) {
      case text -> {
        PrintWriter printer = new PrintWriter(out);
        new TextFormat(colour).write(report, printer);
        printer.flush();
      }
      case json -> new JsonFormat().write(report, out);
      case sarif -> new SarifFormat().write(report, ruleIds, out);
      case junit -> new JunitFormat().write(report, out);
    }
    out.flush();
  }

  private static CompletableFuture<dev.imagegate.registry.ResolvedImage> notRead(dev.imagegate.image.ImageReference reference) {
    return CompletableFuture.failedFuture(new IllegalStateException(reference + ": not read (--offline)"));
  }
}
