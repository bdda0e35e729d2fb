package dev.imagegate.policy;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.Mode;
import dev.imagegate.config.OnError;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.image.InvalidReferenceException;
import dev.imagegate.registry.Deadline;
import dev.imagegate.registry.PullContext;
import dev.imagegate.registry.ResolvedImage;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.PodPlatforms;
import dev.imagegate.rules.Rule;
import dev.imagegate.rules.RuleOrder;
import dev.imagegate.rules.Violation;
import io.quarkus.arc.All;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Judges the containers of one workload: applies exemptions and modes, asks the image source for
 * each distinct image once, runs every rule on every judged platform of the image.
 *
 * <p>Knows nothing of Kubernetes: the admission layer and the background audit both call it. A
 * namespace's own mode (the label {@code imagegate.dev/mode}, read by the caller) comes in as a
 * {@link Mode}: {@code off} judges nothing, any other replaces the global mode, and a rule's own
 * {@code rules.<id>.mode} wins over both.
 */
@ApplicationScoped
@Startup // a wrong configuration stops the start, not the first admission
public class PolicyEngine {
  /** Pseudo-rule for an image reference the container runtime would refuse. */
  public static final String IMAGE_REFERENCE = "image-reference";
  /** Pseudo-rule for an image that could not be read from its registry. */
  public static final String IMAGE_UNAVAILABLE = "image-unavailable";

  private final ImagegateConfig config;
  private final List<ConfiguredRule> rules;
  private final ImageGlob exemptImages;
  private final ImageSource images;
  private final ImageCap cap;
  private final PlatformChoice platforms;

  @Inject
  public PolicyEngine(ImagegateConfig config, @All List<Rule> rules, ImageSource images) {
    this.config = config;
    this.images = images;
    this.exemptImages = new ImageGlob(config.exemptions().images());
    this.cap = new ImageCap(config.limits().maxImagesPerRequest());
    this.platforms = new PlatformChoice(config.registries().platforms());
    this.rules = RuleOrder.sorted(rules).stream()
        .filter(rule -> config.rule(rule.id()).mode() != Mode.OFF)
        .map(rule -> new ConfiguredRule(rule, config))
        .toList();
    config.rules().keySet().stream()
        .filter(id -> rules.stream().noneMatch(rule -> rule.id().equals(id)))
        .findFirst()
        .ifPresent(id -> {
          throw new dev.imagegate.config.ConfigException("rules." + id + ": no such rule; known rules: "
              + rules.stream().map(Rule::id).sorted().toList());
        });
  }

  /** Whether no rule judges anything in this namespace: the admission can be allowed at once. */
  public boolean namespaceExempt(String namespace) {
    return namespace != null && config.exemptions().namespaces().contains(namespace);
  }

  /** The ids of the rules in force (not switched off by {@code rules.<id>.mode: off}), in judging order. */
  public List<String> ruleIds() {
    return rules.stream().map(r -> r.rule().id()).toList();
  }

  /**
   * The mode a finding of {@code ruleId} (a rule or a pseudo-rule) takes in a namespace whose own
   * mode is {@code namespaceMode} (null: none). {@code modeIn(id, ENFORCE)} says whether the
   * finding would deny once the namespace is enforced.
   */
  public Mode modeIn(String ruleId, Mode namespaceMode) {
    if (namespaceMode == Mode.OFF) {
      return Mode.OFF;
    }
    return switch (ruleId) {
      case IMAGE_REFERENCE -> config.baseMode(namespaceMode);
      case IMAGE_UNAVAILABLE -> onErrorMode(config.baseMode(namespaceMode));
      default -> config.modeOf(ruleId, namespaceMode);
    };
  }

  /** Judges with the global mode: {@link #judge(String, Mode, List, Duration)} with no namespace mode. */
  public CompletableFuture<Verdict> judge(String namespace, List<ContainerContext> containers, Duration budget) {
    return judge(namespace, null, containers, budget);
  }

  /**
   * @param namespace the workload's namespace (for per-rule namespace exemptions), may be null
   * @param namespaceMode the namespace's own mode, or null when it has none: {@code off} judges
   *     nothing; enforce, warn or audit replaces the global mode for rules without a mode of their own
   * @param containers the containers to judge
   * @param budget the most time to wait for registries, across all images; what is not answered
   *     by then counts as unavailable
   */
  public CompletableFuture<Verdict> judge(
      String namespace, Mode namespaceMode, List<ContainerContext> containers, Duration budget) {
    return judge(namespace, namespaceMode, new PullContext(namespace, null, List.of()), containers, budget);
  }

  /**
   * As {@link #judge(String, Mode, List, Duration)}, reading images as the pod may (its
   * {@code imagePullSecrets} or its service account's, with {@code registries.usePullSecrets}); the
   * registry work itself is bounded by {@code budget}, so nothing is left running past it.
   *
   * @param pod the pod's namespace, service account and pull secret names
   */
  public CompletableFuture<Verdict> judge(
      String namespace, Mode namespaceMode, PullContext pod, List<ContainerContext> containers, Duration budget) {
    if (namespaceMode == Mode.OFF) {
      return CompletableFuture.completedFuture(Verdict.CLEAN);
    }
    ImageCap.Capped capped = capped(containers, namespaceMode);
    List<ContainerContext> judged = capped.judged();
    Map<BatchKey, CompletableFuture<ResolvedImage>> fetches = new LinkedHashMap<>();
    Deadline deadline = Deadline.after(budget);
    for (ContainerContext container : judged) {
      if (needsFetch(namespace, container)) {
        fetches.computeIfAbsent(BatchKey.of(container, null),
            key -> images.resolve(key.reference(), pod, deadline, platforms.filter(key.platforms())));
      }
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(fetches.values().toArray(CompletableFuture[]::new));
    String late = "no answer from the registry within the admission deadline (" + budget.toMillis() + "ms)";
    return all.handle((ignored, error) -> null)
        .completeOnTimeout(null, Math.max(0, budget.toMillis()), TimeUnit.MILLISECONDS)
        .thenApply(ignored -> new Verdict(capped.before(findings(namespace, namespaceMode, judged, c -> fetches.get(BatchKey.of(c, null)), late)),
            StaleNotice.of(fetches.values())));
  }

  /**
   * Judges many workloads, reading each distinct image once, at most {@code concurrency} at a time
   * (so a background audit leaves the registry pool to admissions). Blocks the calling thread until
   * every image is read or has timed out ({@code registries.timeout}); call it from a worker thread.
   *
   * @return one judgement per subject, in order
   */
  public List<Judgement> judgeAll(List<Subject> subjects, int concurrency) throws InterruptedException {
    Duration timeout = config.registries().timeout();
    Duration wait = timeout.plusSeconds(5);
    // With pull secrets an image is read once per pull context (what one pod may read, another may not)
    boolean perPod = config.registries().usePullSecrets();
    Semaphore permits = new Semaphore(Math.max(1, concurrency));
    Map<BatchKey, CompletableFuture<ResolvedImage>> fetches = new LinkedHashMap<>();
    // Each workload within limits.maxImagesPerRequest, as at admission
    List<ImageCap.Capped> cappedSubjects = new ArrayList<>(subjects.size());
    for (Subject subject : subjects) {
      ImageCap.Capped capped = subject.namespaceMode() == Mode.OFF ? null : capped(subject.containers(), subject.namespaceMode());
      cappedSubjects.add(capped);
      if (capped == null) {
        continue;
      }
      for (ContainerContext container : capped.judged()) {
        BatchKey key = BatchKey.of(container, perPod ? subject.pod() : null);
        if (!needsFetch(subject.namespace(), container) || fetches.containsKey(key)) {
          continue;
        }
        // A fetch that never completes (it should not: the resolver has a deadline) costs its permit only until then.
        boolean acquired = permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture<ResolvedImage> fetch;
        try {
          fetch = images.resolve(container.reference(), subject.pod(), Deadline.after(timeout), platforms.filter(container.platforms()));
        } catch (RuntimeException e) {
          fetch = CompletableFuture.failedFuture(e);
        }
        if (acquired) {
          fetch.whenComplete((image, error) -> permits.release());
        }
        fetches.put(key, fetch);
      }
    }
    try {
      CompletableFuture.allOf(fetches.values().toArray(CompletableFuture[]::new)).get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // failures are findings; what is not done by now is unavailable
    }
    String late = "no answer from the registry within " + timeout.toMillis() + "ms";
    List<Judgement> judgements = new ArrayList<>(subjects.size());
    for (int i = 0; i < subjects.size(); i++) {
      Subject subject = subjects.get(i);
      ImageCap.Capped capped = cappedSubjects.get(i);
      if (capped == null) {
        judgements.add(new Judgement(Verdict.CLEAN, Map.of()));
        continue;
      }
      List<ContainerContext> judged = capped.judged();
      Map<BatchKey, CompletableFuture<ResolvedImage>> mine = new LinkedHashMap<>();
      for (ContainerContext container : judged) {
        BatchKey key = BatchKey.of(container, perPod ? subject.pod() : null);
        CompletableFuture<ResolvedImage> fetch = fetches.get(key);
        if (fetch != null) {
          mine.put(key, fetch);
        }
      }
      PullContext pod = perPod ? subject.pod() : null;
      List<Finding> findings = capped.before(findings(subject.namespace(), subject.namespaceMode(), judged,
          c -> mine.get(BatchKey.of(c, pod)), late));
      judgements.add(new Judgement(new Verdict(findings, StaleNotice.of(mine.values())), outcomes(subject.namespace(), judged, findings, !capped.findings().isEmpty())));
    }
    return judgements;
  }

  /**
   * One image read: the image, the platforms its pod can be scheduled to (which children of an
   * index to read), and the pull context when pull secrets are in use.
   */
  private record BatchKey(ImageReference reference, PodPlatforms platforms, PullContext pod) {
    static BatchKey of(ContainerContext container, PullContext pod) {
      return new BatchKey(container.reference(), container.platforms(), pod);
    }
  }

  /** The containers to judge: not exempt by {@code exemptions.images}, within {@code limits.maxImagesPerRequest}. */
  private ImageCap.Capped capped(List<ContainerContext> containers, Mode namespaceMode) {
    return cap.apply(judged(containers), () -> modeIn(IMAGE_UNAVAILABLE, namespaceMode));
  }

  private List<ContainerContext> judged(List<ContainerContext> containers) {
    List<ContainerContext> judged = new ArrayList<>(containers.size());
    for (ContainerContext container : containers) {
      if (!exemptImages.matches(container.image(), container.reference())) {
        judged.add(container);
      }
    }
    return judged;
  }

  private boolean needsFetch(String namespace, ContainerContext container) {
    if (container.reference() == null) {
      return false;
    }
    for (ConfiguredRule rule : rulesFor(namespace, container)) {
      if (rule.rule().needsImage()) {
        return true;
      }
    }
    return false;
  }

  private List<Finding> findings(String namespace, Mode namespaceMode, List<ContainerContext> judged,
      Function<ContainerContext, CompletableFuture<ResolvedImage>> fetches, String late) {
    List<Finding> findings = new ArrayList<>();
    for (ContainerContext container : judged) {
      findings.addAll(judgeContainer(namespace, namespaceMode, container, fetches.apply(container), late));
    }
    return findings;
  }

  private List<Finding> judgeContainer(String namespace, Mode namespaceMode, ContainerContext container,
      CompletableFuture<ResolvedImage> fetch, String late) {
    List<Finding> findings = new ArrayList<>();
    Mode base = config.baseMode(namespaceMode);
    if (container.reference() == null) {
      findings.add(finding(container, IMAGE_REFERENCE, invalidReason(container.image()), base));
      return findings;
    }
    List<ImageFacts> judged = null;
    String unavailable = null;
    if (fetch != null) {
      if (!fetch.isDone()) {
        unavailable = container.reference().normalized() + ": " + late;
      } else if (fetch.isCompletedExceptionally()) {
        unavailable = failureReason(fetch);
      } else {
        PlatformChoice.Choice<ImageFacts> choice = choose(container, fetch.join());
        if (choice.problem() != null) {
          unavailable = container.reference().normalized() + ": " + choice.problem();
        } else {
          judged = choice.judged();
        }
      }
    }
    if (unavailable != null) {
      findings.add(finding(container, IMAGE_UNAVAILABLE, unavailable, onErrorMode(base)));
    }
    for (ConfiguredRule configured : rulesFor(namespace, container)) {
      Rule rule = configured.rule();
      Mode mode = config.modeOf(rule.id(), namespaceMode);
      if (!rule.needsImage()) {
        rule.check(container, null).forEach(v -> findings.add(finding(container, v.ruleId(), v.message(), mode)));
      } else if (judged != null) {
        for (String message : acrossPlatforms(rule, container, judged)) {
          findings.add(finding(container, rule.id(), message, mode));
        }
      }
    }
    return findings;
  }

  /**
   * The platforms to judge: of those read (the resolver read only the children of an index this
   * pod's choice needs); when none was, the image's own list says why.
   */
  private PlatformChoice.Choice<ImageFacts> choose(ContainerContext container, ResolvedImage image) {
    if (image.platforms().isEmpty()) {
      String problem = platforms.choose(container.platforms(), image.offered(), name -> name).problem();
      return new PlatformChoice.Choice<>(List.of(), problem != null ? problem : "the image has no linux or windows platform to judge");
    }
    return platforms.choose(container.platforms(), image.platforms());
  }

  /** What each rule in force concluded about the workload, from its findings. */
  /** @param capped some containers were left out by {@code limits.maxImagesPerRequest}: a rule that reads images did not see them */
  private Map<String, RuleOutcome> outcomes(String namespace, List<ContainerContext> judged, List<Finding> findings,
      boolean capped) {
    Map<String, RuleOutcome> outcomes = new LinkedHashMap<>();
    for (ConfiguredRule configured : rules) {
      String id = configured.rule().id();
      List<ContainerContext> applies = judged.stream().filter(c -> !configured.exempts(namespace, c)).toList();
      RuleOutcome outcome;
      if (applies.isEmpty()) {
        outcome = RuleOutcome.EXEMPT;
      } else if (findings.stream().anyMatch(f -> f.ruleId().equals(id))) {
        outcome = RuleOutcome.VIOLATED;
      } else if ((capped && configured.rule().needsImage()) || applies.stream().anyMatch(c -> c.reference() == null
          || (configured.rule().needsImage() && unavailable(findings, c)))) {
        outcome = RuleOutcome.NOT_EVALUATED;
      } else {
        outcome = RuleOutcome.PASSED;
      }
      outcomes.put(id, outcome);
    }
    return outcomes;
  }

  private static boolean unavailable(List<Finding> findings, ContainerContext container) {
    return findings.stream().anyMatch(f -> f.ruleId().equals(IMAGE_UNAVAILABLE) && f.container().equals(container.name()));
  }

  /**
   * Runs a rule on each platform. A violation found on only some platforms says which; on a
   * Windows platform, where the reader would otherwise assume linux, the message starts with it
   * ({@code windows/amd64: image USER …}).
   */
  private static List<String> acrossPlatforms(Rule rule, ContainerContext container, List<ImageFacts> platforms) {
    Map<String, List<ImageFacts>> platformsByMessage = null; // built only when there is a violation: rarely
    for (ImageFacts facts : platforms) {
      for (Violation violation : rule.check(container, facts)) {
        platformsByMessage = platformsByMessage == null ? new LinkedHashMap<>() : platformsByMessage;
        platformsByMessage.computeIfAbsent(violation.message(), m -> new ArrayList<>()).add(facts);
      }
    }
    if (platformsByMessage == null) {
      return List.of();
    }
    List<String> messages = new ArrayList<>();
    platformsByMessage.forEach((message, where) -> {
      String names = String.join(", ", where.stream().map(f -> label(f, platforms)).distinct().toList());
      if (where.stream().anyMatch(ImageFacts::isWindows)) {
        messages.add(names + ": " + message);
      } else {
        messages.add(where.size() == platforms.size() ? message : message + " (on " + names + ")");
      }
    });
    return messages;
  }

  /** {@code os/arch[/variant]}, with the os.version when another judged platform has the same name (Windows builds). */
  private static String label(ImageFacts facts, List<ImageFacts> judged) {
    if (facts.osVersion() != null
        && judged.stream().anyMatch(o -> o != facts && o.platform().equals(facts.platform()) && !facts.osVersion().equals(o.osVersion()))) {
      return facts.platform() + " " + facts.osVersion();
    }
    return facts.platform();
  }

  /** The rules in force for this container (runs for every container of every admission: no stream). */
  private List<ConfiguredRule> rulesFor(String namespace, ContainerContext container) {
    List<ConfiguredRule> applying = new ArrayList<>(rules.size());
    for (ConfiguredRule rule : rules) {
      if (!rule.exempts(namespace, container)) {
        applying.add(rule);
      }
    }
    return applying;
  }

  /** A registry failure denies only when onError is deny, and never more strictly than the namespace's mode. */
  private Mode onErrorMode(Mode base) {
    if (config.registries().onError() == OnError.DENY) {
      return base;
    }
    return base == Mode.AUDIT ? Mode.AUDIT : Mode.WARN;
  }

  private static String failureReason(CompletableFuture<ResolvedImage> fetch) {
    try {
      fetch.join();
      return "unknown failure";
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
  }

  private static String invalidReason(String image) {
    try {
      ImageReference.parse(image);
      return "invalid image reference";
    } catch (InvalidReferenceException e) {
      return e.getMessage();
    }
  }

  private static Finding finding(ContainerContext container, String ruleId, String message, Mode mode) {
    return new Finding(container.name(), container.image(), ruleId, message, mode);
  }

  /** A rule with its exemptions, resolved once at start-up; its mode depends on the namespace. */
  private record ConfiguredRule(Rule rule, ImageGlob exemptImages, List<String> exemptNamespaces) {
    ConfiguredRule(Rule rule, ImagegateConfig config) {
      this(rule, new ImageGlob(config.rule(rule.id()).exemptions().images()), config.rule(rule.id()).exemptions().namespaces());
    }

    boolean exempts(String namespace, ContainerContext container) {
      return (namespace != null && exemptNamespaces.contains(namespace))
          || exemptImages.matches(container.image(), container.reference());
    }
  }
}
