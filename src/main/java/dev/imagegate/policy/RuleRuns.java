package dev.imagegate.policy;

import dev.imagegate.config.ExceptionEntry;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.Mode;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.registry.ErrorReason;
import dev.imagegate.registry.ImageFetchException;
import dev.imagegate.registry.ResolvedImage;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.Rule;
import dev.imagegate.rules.RuleOrder;
import dev.imagegate.rules.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs the rules in force on one container, once its image is read: each run states its own status
 * (passed, violated, excepted, not evaluated and why, exempt) next to the findings.
 */
final class RuleRuns {
  /** What the runs on one container found and concluded; {@code excepted}: the violations exceptions let through. */
  record Result(List<Finding> findings, List<RuleStatus> statuses, List<Excepted> excepted) {}

  /** Why a container's image gives nothing to judge: the finding's message, and the read's failure reason if it failed. */
  private record Unavailable(String message, ErrorReason reason) {}

  private final List<RuleInForce> rules;
  private final Modes modes;
  private final PlatformChoice platforms;

  RuleRuns(ImagegateConfig config, List<Rule> rules, Modes modes, PlatformChoice platforms) {
    this.rules = RuleOrder.sorted(rules).stream()
        .filter(rule -> config.rule(rule.id()).inForce(rule.onByDefault()))
        .map(rule -> new RuleInForce(rule, config))
        .toList();
    this.modes = modes;
    this.platforms = platforms;
  }

  /** The rules in force, in judging order. */
  List<RuleInForce> rules() {
    return rules;
  }

  /** Whether some rule in force for the container reads its image. */
  boolean needsImage(String namespace, ContainerContext container) {
    if (container.reference() == null) {
      return false;
    }
    for (RuleInForce rule : rules) {
      if (rule.rule().needsImage() && !rule.exempts(namespace, container)) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param read the container's image read (null when no rule in force reads it), perhaps not done
   * @param late why a read that is not done by now has no answer
   * @param explain state each rule's status too (the audit and the CLI show them; an admission needs only the findings)
   */
  Result run(String namespace, Mode namespaceMode, ContainerContext container, CompletableFuture<ResolvedImage> read, String late,
      Exceptions.Scope exceptions, boolean explain) {
    List<Finding> findings = new ArrayList<>();
    List<Excepted> excepted = new ArrayList<>(0);
    Statuses statuses = explain ? Statuses.of(container, rules.size()) : Statuses.UNSTATED;
    if (container.reference() == null) {
      String problem = container.referenceProblem() != null ? container.referenceProblem() : "invalid image reference";
      findings.add(finding(container, PolicyEngine.IMAGE_REFERENCE, problem, modes.imageReference(namespaceMode)));
      for (RuleInForce rule : rules) {
        if (rule.exempts(namespace, container)) {
          statuses.exempt(rule);
        } else {
          statuses.add(rule, RuleOutcome.NOT_EVALUATED, "invalid image reference: " + problem);
        }
      }
      return new Result(findings, statuses.list(), excepted);
    }
    List<ImageFacts> judged = null;
    Unavailable unavailable = null;
    if (read != null) {
      if (!read.isDone()) {
        unavailable = new Unavailable(container.reference().normalized() + ": " + late, ErrorReason.TIMEOUT);
      } else if (read.isCompletedExceptionally()) {
        unavailable = failure(read);
      } else {
        PlatformChoice.Choice<ImageFacts> choice = choose(container, read.join());
        if (choice.problem() != null) {
          unavailable = new Unavailable(container.reference().normalized() + ": " + choice.problem(), null);
        } else {
          judged = choice.judged();
        }
      }
    }
    if (unavailable != null) {
      findings.add(new Finding(container.name(), container.image(), PolicyEngine.IMAGE_UNAVAILABLE, unavailable.message(),
          modes.imageUnavailable(namespaceMode), unavailable.reason()));
    }
    for (RuleInForce configured : rules) {
      Rule rule = configured.rule();
      if (configured.exempts(namespace, container)) {
        statuses.exempt(configured);
        continue;
      }
      List<String> messages;
      if (!rule.needsImage()) {
        messages = rule.check(container, null).stream().map(Violation::message).toList();
      } else if (judged != null) {
        messages = acrossPlatforms(rule, container, judged);
      } else {
        // the image gave nothing to judge; what the pod spec carries by itself still counts
        messages = rule.checkWithoutImage(container).stream().map(Violation::message).toList();
        if (messages.isEmpty()) {
          statuses.add(configured, RuleOutcome.NOT_EVALUATED, unavailable == null ? null : unavailable.message());
          continue;
        }
      }
      Mode mode = modes.rule(rule.id(), namespaceMode);
      ExceptionEntry exception = messages.isEmpty() ? null : exceptions.covering(rule.id(), container);
      if (exception != null) {
        for (String message : messages) {
          excepted.add(new Excepted(finding(container, rule.id(), message, mode), exception.name(), exception.reason()));
        }
        statuses.add(configured, RuleOutcome.EXCEPTED, "excepted by \"" + exception.name() + "\": " + exception.reason());
        continue;
      }
      for (String message : messages) {
        findings.add(finding(container, rule.id(), message, mode));
      }
      statuses.add(configured, messages.isEmpty() ? RuleOutcome.PASSED : RuleOutcome.VIOLATED, null);
    }
    return new Result(findings, statuses.list(), excepted);
  }

  /**
   * What each rule in force concluded over a workload, from its runs' statuses.
   *
   * @param capped some containers were left out by {@code limits.maxImagesPerRequest}: a rule that
   *     reads images did not see them
   */
  Map<String, RuleOutcome> outcomes(List<RuleStatus> statuses, boolean capped) {
    Map<String, RuleOutcome> outcomes = new LinkedHashMap<>();
    for (RuleInForce configured : rules) {
      String id = configured.rule().id();
      boolean applies = false;
      boolean violated = false;
      boolean notEvaluated = capped && configured.rule().needsImage();
      boolean excepted = false;
      for (RuleStatus status : statuses) {
        if (!status.ruleId().equals(id) || status.outcome() == RuleOutcome.EXEMPT) {
          continue;
        }
        applies = true;
        violated |= status.outcome() == RuleOutcome.VIOLATED;
        notEvaluated |= status.outcome() == RuleOutcome.NOT_EVALUATED;
        excepted |= status.outcome() == RuleOutcome.EXCEPTED;
      }
      outcomes.put(id, !applies ? RuleOutcome.EXEMPT
          : violated ? RuleOutcome.VIOLATED
          : notEvaluated ? RuleOutcome.NOT_EVALUATED
          : excepted ? RuleOutcome.EXCEPTED
          : RuleOutcome.PASSED);
    }
    return outcomes;
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

  /** A failed read: its failure's message, and its reason when the registry client gave one. */
  private static Unavailable failure(CompletableFuture<ResolvedImage> read) {
    try {
      read.join();
      return new Unavailable("unknown failure", null);
    } catch (CompletionException | CancellationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      return new Unavailable(message, cause instanceof ImageFetchException failed ? failed.reason() : null);
    }
  }

  /** The statuses of one container's runs; {@link #UNSTATED} when nobody asked (an admission), so none is built. */
  private static final class Statuses {
    static final Statuses UNSTATED = new Statuses(null, null);

    private final ContainerContext container;
    private final List<RuleStatus> list; // null: unstated

    private Statuses(ContainerContext container, List<RuleStatus> list) {
      this.container = container;
      this.list = list;
    }

    static Statuses of(ContainerContext container, int rules) {
      return new Statuses(container, new ArrayList<>(rules));
    }

    void add(RuleInForce rule, RuleOutcome outcome, String reason) {
      if (list != null) {
        list.add(new RuleStatus(rule.rule().id(), container.name(), outcome, reason));
      }
    }

    void exempt(RuleInForce rule) {
      if (list != null) {
        add(rule, RuleOutcome.EXEMPT, "exempt by rules." + rule.rule().id() + ".exemptions");
      }
    }

    List<RuleStatus> list() {
      return list == null ? List.of() : list;
    }
  }

  private static Finding finding(ContainerContext container, String ruleId, String message, Mode mode) {
    return new Finding(container.name(), container.image(), ruleId, message, mode);
  }

  /** A rule with its exemptions, resolved once at start-up; its mode depends on the namespace. */
  record RuleInForce(Rule rule, ImageGlob exemptImages, List<String> exemptNamespaces) {
    RuleInForce(Rule rule, ImagegateConfig config) {
      this(rule, new ImageGlob(config.rule(rule.id()).exemptions().images()), config.rule(rule.id()).exemptions().namespaces());
    }

    boolean exempts(String namespace, ContainerContext container) {
      return (namespace != null && exemptNamespaces.contains(namespace))
          || exemptImages.matches(container.image(), container.reference());
    }
  }
}
