package dev.imagegate.policy;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.Mode;
import dev.imagegate.config.OnError;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.image.InvalidReferenceException;
import dev.imagegate.registry.ResolvedImage;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.Rule;
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
import java.util.concurrent.TimeUnit;

/**
 * Judges the containers of one workload: applies exemptions and modes, asks the image source for
 * each distinct image once, runs every rule on every judged platform of the image.
 *
 * <p>Knows nothing of Kubernetes: the admission layer and the background audit both call it.
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

  @Inject
  public PolicyEngine(ImagegateConfig config, @All List<Rule> rules, ImageSource images) {
    this.config = config;
    this.images = images;
    this.exemptImages = new ImageGlob(config.exemptions().images());
    this.rules = rules.stream()
        .map(rule -> new ConfiguredRule(rule, config))
        .filter(rule -> rule.mode() != Mode.OFF)
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

  /**
   * @param namespace the workload's namespace (for per-rule namespace exemptions), may be null
   * @param containers the containers to judge
   * @param budget the most time to wait for registries, across all images; what is not answered
   *     by then counts as unavailable
   */
  public CompletableFuture<Verdict> judge(String namespace, List<ContainerContext> containers, Duration budget) {
    List<ContainerContext> judged = containers.stream().filter(c -> !exemptImages.matches(c.image(), c.reference())).toList();
    Map<ImageReference, CompletableFuture<ResolvedImage>> fetches = new LinkedHashMap<>();
    for (ContainerContext container : judged) {
      if (container.reference() != null && rulesFor(namespace, container).anyMatch(r -> r.rule().needsImage())) {
        fetches.computeIfAbsent(container.reference(), images::resolve);
      }
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(fetches.values().toArray(CompletableFuture[]::new));
    return all.handle((ignored, error) -> null)
        .completeOnTimeout(null, Math.max(0, budget.toMillis()), TimeUnit.MILLISECONDS)
        .thenApply(ignored -> {
          List<Finding> findings = new ArrayList<>();
          for (ContainerContext container : judged) {
            findings.addAll(judgeContainer(namespace, container, fetches.get(container.reference()), budget));
          }
          return new Verdict(findings);
        });
  }

  private List<Finding> judgeContainer(
      String namespace, ContainerContext container, CompletableFuture<ResolvedImage> fetch, Duration budget) {
    List<Finding> findings = new ArrayList<>();
    if (container.reference() == null) {
      findings.add(finding(container, IMAGE_REFERENCE, invalidReason(container.image()), config.mode()));
      return findings;
    }
    ResolvedImage resolved = null;
    String unavailable = null;
    if (fetch != null) {
      if (!fetch.isDone()) {
        unavailable = container.reference().normalized() + ": no answer from the registry within the admission deadline ("
            + budget.toMillis() + "ms)";
      } else if (fetch.isCompletedExceptionally()) {
        unavailable = failureReason(fetch);
      } else {
        resolved = fetch.join();
        if (resolved.platforms().isEmpty()) {
          unavailable = container.reference().normalized() + ": the image has no linux platform to judge";
          resolved = null;
        }
      }
    }
    if (unavailable != null) {
      findings.add(finding(container, IMAGE_UNAVAILABLE, unavailable, onErrorMode()));
    }
    for (ConfiguredRule configured : rulesFor(namespace, container).toList()) {
      Rule rule = configured.rule();
      if (!rule.needsImage()) {
        rule.check(container, null).forEach(v -> findings.add(finding(container, v.ruleId(), v.message(), configured.mode())));
      } else if (resolved != null) {
        for (String message : acrossPlatforms(rule, container, resolved.platforms())) {
          findings.add(finding(container, rule.id(), message, configured.mode()));
        }
      }
    }
    return findings;
  }

  /** Runs a rule on each platform; a violation found on only some platforms says which. */
  private static List<String> acrossPlatforms(Rule rule, ContainerContext container, List<ImageFacts> platforms) {
    Map<String, List<String>> platformsByMessage = new LinkedHashMap<>();
    for (ImageFacts facts : platforms) {
      for (Violation violation : rule.check(container, facts)) {
        platformsByMessage.computeIfAbsent(violation.message(), m -> new ArrayList<>()).add(facts.platform());
      }
    }
    List<String> messages = new ArrayList<>();
    platformsByMessage.forEach((message, where) ->
        messages.add(where.size() == platforms.size() ? message : message + " (on " + String.join(", ", where) + ")"));
    return messages;
  }

  private java.util.stream.Stream<ConfiguredRule> rulesFor(String namespace, ContainerContext container) {
    return rules.stream().filter(rule -> !rule.exempts(namespace, container));
  }

  /** A registry failure denies only when onError is deny, and never more strictly than the global mode. */
  private Mode onErrorMode() {
    if (config.registries().onError() == OnError.DENY) {
      return config.mode();
    }
    return config.mode() == Mode.AUDIT ? Mode.AUDIT : Mode.WARN;
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

  /** A rule with what the configuration says about it, resolved once at start-up. */
  private record ConfiguredRule(Rule rule, Mode mode, ImageGlob exemptImages, List<String> exemptNamespaces) {
    ConfiguredRule(Rule rule, ImagegateConfig config) {
      this(rule, config.modeOf(rule.id()), new ImageGlob(config.rule(rule.id()).exemptions().images()),
          config.rule(rule.id()).exemptions().namespaces());
    }

    boolean exempts(String namespace, ContainerContext container) {
      return (namespace != null && exemptNamespaces.contains(namespace))
          || exemptImages.matches(container.image(), container.reference());
    }
  }
}
