package dev.imagegate.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One entry of {@code exceptions}: violations of {@code rules} by the containers it covers are
 * let through, recorded as excepted with its name and reason, until the end of {@code expires}.
 * Every list but {@code rules} and {@code namespaces} is optional: absent, it covers everything.
 *
 * @param name unique; names the exception in every output and metric
 * @param rules rule ids, or {@code *} for every rule (the ids are checked against the rules by the engine)
 * @param namespaces namespace globs ({@code *} any run of characters, {@code ?} one); required, so an
 *     exception never covers the whole cluster unless {@code "*"} is written
 * @param workloads {@code Kind/name} globs, matched against the workload and the controllers it names
 * @param selector the workload's own labels
 * @param containers container name globs
 * @param images image globs, matched against the image as written and its normalised form
 * @param reason why; shown wherever the exception is
 * @param expires the last day (UTC) on which it applies, or null for no end
 */
public record ExceptionEntry(String name, List<String> rules, List<String> namespaces, List<String> workloads,
    LabelSelector selector, List<String> containers, List<String> images, String reason, LocalDate expires) {
  /** Every rule. */
  public static final String ALL_RULES = "*";

  /** A metric label value and a word in messages: no spaces, quotes or slashes. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

  public ExceptionEntry {
    rules = rules == null ? List.of() : List.copyOf(rules);
    namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    workloads = workloads == null ? List.of() : List.copyOf(workloads);
    selector = selector == null ? LabelSelector.EVERYTHING : selector;
    containers = containers == null ? List.of() : List.copyOf(containers);
    images = images == null ? List.of() : List.copyOf(images);
  }

  /** Reads and checks one entry of the file: a wrong field is named with the entry's name. */
  @JsonCreator
  static ExceptionEntry fromYaml(@JsonProperty("name") String name, @JsonProperty("rules") List<String> rules,
      @JsonProperty("namespaces") List<String> namespaces, @JsonProperty("workloads") List<String> workloads,
      @JsonProperty("selector") LabelSelector selector, @JsonProperty("containers") List<String> containers,
      @JsonProperty("images") List<String> images, @JsonProperty("reason") String reason,
      @JsonProperty("expires") String expires) {
    if (name == null || name.isBlank()) {
      throw new ConfigException("exceptions: an entry has no name (rules " + rules + ", namespaces " + namespaces
          + "); every exception is named");
    }
    String at = "exceptions[" + name + "]";
    if (!NAME.matcher(name).matches()) {
      throw new ConfigException(at + ".name: letters, digits, '-', '_' and '.', at most 63, starting and ending with a letter or digit");
    }
    if (rules == null || rules.isEmpty()) {
      throw new ConfigException(at + ".rules: required: rule ids, or [\"*\"] for every rule");
    }
    nonBlank(at + ".rules", rules);
    if (namespaces == null || namespaces.isEmpty()) {
      throw new ConfigException(at + ".namespaces: required: namespace globs, or [\"*\"] for every namespace");
    }
    nonBlank(at + ".namespaces", namespaces);
    if (workloads != null) {
      for (String workload : workloads) {
        int slash = workload == null ? -1 : workload.indexOf('/');
        if (slash <= 0 || slash == workload.length() - 1 || workload.indexOf('/', slash + 1) >= 0) {
          throw new ConfigException(at + ".workloads: \"" + workload + "\" is not Kind/name (e.g. Deployment/web or \"Deployment/legacy-*\")");
        }
      }
    }
    if (selector != null) {
      selector.checked(at + ".selector");
    }
    nonBlank(at + ".containers", containers);
    nonBlank(at + ".images", images);
    if (reason == null || reason.isBlank()) {
      throw new ConfigException(at + ".reason: required: why the exception exists (a ticket, an owner)");
    }
    return new ExceptionEntry(name, rules, namespaces, workloads, selector, containers, images, reason.strip(),
        date(at + ".expires", expires));
  }

  private static LocalDate date(String at, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return LocalDate.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new ConfigException(at + ": \"" + text + "\" is not a date (YYYY-MM-DD, e.g. 2027-03-31)");
    }
  }

  private static void nonBlank(String at, List<String> values) {
    if (values != null && values.stream().anyMatch(v -> v == null || v.isBlank())) {
      throw new ConfigException(at + ": an empty entry");
    }
  }

  /** The first instant it no longer applies: the end of its {@code expires} day in UTC; null when it never ends. */
  public Instant endsAt() {
    return expires == null ? null : expires.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** Whether it has ended by {@code now}. */
  public boolean expiredAt(Instant now) {
    return expires != null && !now.isBefore(endsAt());
  }

  /** Whether it covers every rule. */
  public boolean allRules() {
    return rules.contains(ALL_RULES);
  }
}
