package dev.imagegate.policy;

import dev.imagegate.config.ConfigException;
import dev.imagegate.config.ExceptionEntry;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.LabelSelector;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.text.ExternalText;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The configuration's exceptions, compiled once: a value built from the configuration alone (so a
 * new configuration brings new exceptions with it), asked per workload at the time of judging.
 *
 * <p>An exception covers a violation when it is not expired, names the rule (or {@code *}), and
 * matches the workload's namespace, {@code Kind/name}, labels and the container's name and image.
 * Workloads in the namespaces of {@code exceptionsFromAnnotations} may carry their own
 * ({@link #ANNOTATION} with {@link #REASON_ANNOTATION}): covering every container of that workload.
 */
public final class Exceptions {
  /** Rule ids, comma-separated, that the workload asks to be excepted from. */
  public static final String ANNOTATION = "imagegate.dev/exception";
  /** Why; without it the annotation is ignored. */
  public static final String REASON_ANNOTATION = "imagegate.dev/exception-reason";
  /** Admissions covered by an exception ending within this many days are warned. */
  public static final int WARN_DAYS = 14;
  /** An annotation's reason is the workload author's text: kept to a readable length. */
  static final int ANNOTATION_REASON_MAX_CHARS = 200;

  private final List<Entry> entries;
  private final Glob annotationNamespaces;
  private final Set<String> ruleIds;

  private Exceptions(List<Entry> entries, Glob annotationNamespaces, Set<String> ruleIds) {
    this.entries = entries;
    this.annotationNamespaces = annotationNamespaces;
    this.ruleIds = ruleIds;
  }

  /**
   * The exceptions of {@code config}, or a {@link ConfigException} naming the entry whose rule is
   * not one of {@code ruleIds}.
   */
  public static Exceptions of(ImagegateConfig config, Collection<String> ruleIds) {
    Set<String> known = Set.copyOf(ruleIds);
    List<Entry> entries = new ArrayList<>();
    for (ExceptionEntry entry : config.exceptions()) {
      for (String rule : entry.rules()) {
        if (!rule.equals(ExceptionEntry.ALL_RULES) && !known.contains(rule)) {
          throw new ConfigException("exceptions[" + entry.name() + "].rules: no such rule \"" + rule + "\"; known rules: "
              + known.stream().sorted().toList() + " or \"*\"");
        }
      }
      entries.add(new Entry(entry));
    }
    return new Exceptions(List.copyOf(entries), new Glob(config.exceptionsFromAnnotations().namespaces()), known);
  }

  /** The configured exceptions, in the file's order. */
  public List<ExceptionEntry> entries() {
    return entries.stream().map(Entry::config).toList();
  }

  /** What may cover the workload's violations at {@code now}: its namespace, names and labels already matched. */
  Scope scope(Subject subject, Instant now) {
    if (entries.isEmpty() && !subject.identity().annotations().containsKey(ANNOTATION)) {
      return Scope.NONE; // the common case, on every admission: nothing to allocate
    }
    List<Entry> candidates = new ArrayList<>();
    for (Entry entry : entries) {
      if (!entry.config().expiredAt(now) && entry.coversWorkload(subject)) {
        candidates.add(entry);
      }
    }
    List<String> notices = new ArrayList<>();
    Entry own = fromAnnotations(subject, notices);
    if (own != null) {
      candidates.add(own);
    }
    return new Scope(candidates, notices, now);
  }

  /** The workload's own exception, or null; what is wrong with its annotations goes to {@code notices}. */
  private Entry fromAnnotations(Subject subject, List<String> notices) {
    String asked = subject.identity().annotations().get(ANNOTATION);
    if (asked == null) {
      return null;
    }
    if (!annotationNamespaces.matches(subject.namespace())) {
      notices.add(ANNOTATION + " ignored: namespace " + ExternalText.quotedInMessage(subject.namespace())
          + " is not in exceptionsFromAnnotations.namespaces");
      return null;
    }
    String reason = subject.identity().annotations().get(REASON_ANNOTATION);
    if (reason == null || reason.isBlank()) {
      notices.add(ANNOTATION + " without " + REASON_ANNOTATION + ": ignored (no reason, no exception)");
      return null;
    }
    List<String> rules = new ArrayList<>();
    for (String id : asked.split(",")) {
      String rule = id.strip();
      if (rule.isEmpty()) {
        continue;
      }
      if (ruleIds.contains(rule)) {
        rules.add(rule);
      } else {
        notices.add(ANNOTATION + ": no such rule " + ExternalText.quotedInMessage(rule) + "; ignored");
      }
    }
    if (rules.isEmpty()) {
      return null;
    }
    String shown = ExternalText.forApiserver(reason.strip(), ANNOTATION_REASON_MAX_CHARS);
    return new Entry(new ExceptionEntry(ANNOTATION, rules, List.of(subject.namespace()), null, null, null, null, shown, null));
  }

  /** One exception, its globs compiled. */
  private record Entry(ExceptionEntry config, Glob namespaces, Glob workloads, LabelSelector selector, Glob containers,
      ImageGlob images) {
    Entry(ExceptionEntry config) {
      this(config, new Glob(config.namespaces()), new Glob(config.workloads()), config.selector(), new Glob(config.containers()),
          new ImageGlob(config.images()));
    }

    boolean coversWorkload(Subject subject) {
      return namespaces.matches(subject.namespace())
          && (workloads.isEmpty() || subject.identity().names().stream().anyMatch(workloads::matches))
          && selector.matches(subject.identity().labels());
    }

    boolean covers(String ruleId, ContainerContext container) {
      return (config.allRules() || config.rules().contains(ruleId))
          && (containers.isEmpty() || containers.matches(container.name()))
          && (config.images().isEmpty() || images.matches(container.image(), container.reference()));
    }
  }

  /** The exceptions that may apply to one workload being judged, and which did. */
  static final class Scope {
    static final Scope NONE = new Scope(List.of(), List.of(), Instant.EPOCH);

    private final List<Entry> candidates;
    private final List<String> notices;
    private final Instant now;
    private final Set<ExceptionEntry> applied = new LinkedHashSet<>();

    private Scope(List<Entry> candidates, List<String> notices, Instant now) {
      this.candidates = candidates;
      this.notices = notices;
      this.now = now;
    }

    /** The first exception (in the file's order; the workload's own last) that covers the rule's violations in the container, or null. */
    ExceptionEntry covering(String ruleId, ContainerContext container) {
      for (Entry entry : candidates) {
        if (entry.covers(ruleId, container)) {
          applied.add(entry.config());
          return entry.config();
        }
      }
      return null;
    }

    /**
     * For the people admitting the workload: what is wrong with its exception annotations, and each
     * applied exception ending within {@value #WARN_DAYS} days, once.
     */
    List<String> notices() {
      if (applied.isEmpty()) {
        return notices;
      }
      List<String> all = new ArrayList<>(notices);
      LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
      for (ExceptionEntry entry : applied) {
        if (entry.expires() == null) {
          continue;
        }
        long days = ChronoUnit.DAYS.between(today, entry.expires());
        if (days <= WARN_DAYS) {
          all.add("exception \"" + entry.name() + "\" ends " + (days == 0 ? "today" : "in " + days + (days == 1 ? " day" : " days"))
              + " (end of " + entry.expires() + " UTC)");
        }
      }
      return all;
    }
  }
}
