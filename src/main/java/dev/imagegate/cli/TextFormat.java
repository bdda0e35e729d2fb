package dev.imagegate.cli;

import dev.imagegate.cli.CheckReport.Outcome;
import dev.imagegate.cli.CheckReport.Result;
import dev.imagegate.cli.ManifestReader.InputError;
import dev.imagegate.policy.Excepted;
import dev.imagegate.policy.Finding;
import dev.imagegate.policy.RuleOutcome;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** For people: grouped by file and workload, the words of a denial, a one-line summary; colours only on a terminal. */
final class TextFormat {
  private final boolean colour;

  TextFormat(boolean colour) {
    this.colour = colour;
  }

  void write(CheckReport report, PrintWriter out) {
    Map<String, List<Object>> bySource = new LinkedHashMap<>();
    report.results().forEach(r -> bySource.computeIfAbsent(r.source(), s -> new java.util.ArrayList<>()).add(r));
    report.errors().forEach(e -> bySource.computeIfAbsent(e.source(), s -> new java.util.ArrayList<>()).add(e));
    bySource.forEach((source, items) -> {
      out.println(bold(source));
      for (Object item : items) {
        if (item instanceof Result result) {
          writeResult(result, out);
        } else if (item instanceof InputError error) {
          out.println("  " + paint(RED, "error") + (error.line() > 0 ? " at line " + error.line() : "") + ": " + error.message());
        }
      }
    });
    out.println(report.summary());
  }

  private void writeResult(Result result, PrintWriter out) {
    Outcome outcome = result.outcome();
    String word = switch (outcome) {
      case DENY -> paint(RED, "would be denied");
      case WARN -> paint(YELLOW, "would be admitted with warnings");
      case PASS -> paint(GREEN, "would be admitted");
      case SKIP -> "not judged: " + result.skipReason();
    };
    out.println("  " + result.title() + (result.line() > 0 ? " (line " + result.line() + ")" : "") + ": " + word);
    for (Finding finding : result.findings()) {
      int line = result.lineOf(finding.container());
      out.println("    " + (line > 0 ? "line " + line + ": " : "") + modeWord(finding) + finding.describe());
    }
    for (Excepted excepted : result.excepted()) {
      int line = result.lineOf(excepted.finding().container());
      out.println("    " + (line > 0 ? "line " + line + ": " : "") + paint(CYAN, "excepted") + " " + excepted.describe());
    }
    for (String notice : result.notices()) {
      out.println("    note: " + notice);
    }
    result.rules().forEach((rule, ruleOutcome) -> {
      if (ruleOutcome == RuleOutcome.NOT_EVALUATED) {
        out.println("    [" + rule + "] not evaluated" + (result.workload().containers().isEmpty() ? "" : ": image config not read"));
      }
    });
  }

  private String modeWord(Finding finding) {
    return switch (finding.mode()) {
      case ENFORCE -> paint(RED, "deny") + " ";
      case WARN -> paint(YELLOW, "warn") + " ";
      default -> finding.mode().id() + " ";
    };
  }

  private static final String RED = "\u001b[31m";
  private static final String YELLOW = "\u001b[33m";
  private static final String GREEN = "\u001b[32m";
  private static final String CYAN = "\u001b[36m";

  private String paint(String colourCode, String text) {
    return colour ? colourCode + text + "\u001b[0m" : text;
  }

  private String bold(String text) {
    return colour ? "\u001b[1m" + text + "\u001b[0m" : text;
  }
}
