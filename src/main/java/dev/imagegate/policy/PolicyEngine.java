package dev.imagegate.policy;

import dev.imagegate.config.ConfigException;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.Mode;
import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.Deadline;
import dev.imagegate.registry.PullContext;
import dev.imagegate.registry.ResolvedImage;
import dev.imagegate.rules.ContainerContext;
import dev.imagegate.rules.PodPlatforms;
import dev.imagegate.rules.Rule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The judging core: a batch of workloads in, a judgement per workload out. Per workload, the
 * containers not exempt by {@code exemptions.images} and within {@code limits.maxImagesPerRequest};
 * each distinct image of the batch read once; then every rule in force run on every container
 * ({@link RuleRuns}), with the modes of {@link Modes}; violations an exception covers at the time
 * of judging ({@link Exceptions}, by the engine's clock) are set apart as excepted.
 *
 * <p>Knows nothing of Kubernetes: admission (a batch of one, within the admission's budget) and the
 * background audit (a batch of every workload, {@code audit.concurrency} images at a time) both
 * hand it {@link Subject}s. It never blocks: it answers with a future.
 *
 * <p>Immutable: one engine per configuration in force, built (and so checked) whole before it
 * replaces the previous one ({@link LivePolicy}); a caller takes one engine per admission, audit pass
 * or check and uses only that.
 */
public class PolicyEngine {
  /** Pseudo-rule for an image reference the container runtime would refuse. */
  public static final String IMAGE_REFERENCE = "image-reference";
  /** Pseudo-rule for an image that could not be read from its registry. */
  public static final String IMAGE_UNAVAILABLE = "image-unavailable";

  private final ImagegateConfig config;
  private final Modes modes;
  private final RuleRuns runs;
  private final ImageGlob exemptImages;
  private final ImageSource images;
  private final ImageCap cap;
  private final PlatformChoice platforms;
  private final Exceptions exceptions;
  private final Clock clock;

  public PolicyEngine(ImagegateConfig config, List<Rule> rules, ImageSource images) {
    this(config, rules, images, Clock.systemUTC());
  }

  /** @param clock tells whether an exception has expired */
  public PolicyEngine(ImagegateConfig config, List<Rule> rules, ImageSource images, Clock clock) {
    config.rules().keySet().stream()
        .filter(id -> rules.stream().noneMatch(rule -> rule.id().equals(id)))
        .findFirst()
        .ifPresent(id -> {
          throw new ConfigException("rules." + id + ": no such rule; known rules: " + rules.stream().map(Rule::id).sorted().toList());
        });
    rules.stream()
        .filter(rule -> !rule.onByDefault() && config.rules().containsKey(rule.id()) && config.rule(rule.id()).mode() == null)
        .findFirst()
        .ifPresent(rule -> {
          throw new ConfigException("rules." + rule.id() + ": an optional rule, off unless its mode is set; add mode: enforce, warn"
              + " or audit (or mode: off)");
        });
    this.config = config;
    this.images = images;
    this.modes = new Modes(config);
    this.platforms = new PlatformChoice(config.registries().platforms());
    this.runs = new RuleRuns(config, rules, modes, platforms);
    this.exemptImages = new ImageGlob(config.exemptions().images());
    this.cap = new ImageCap(config.limits().maxImagesPerRequest());
    this.exceptions = Exceptions.of(config, rules.stream().map(Rule::id).toList());
    this.clock = clock;
  }

  /** The configuration this engine judges by. */
  public ImagegateConfig config() {
    return config;
  }

  /** The exceptions judged with, as configured. */
  public Exceptions exceptions() {
    return exceptions;
  }

  /** Whether no rule judges anything in this namespace: the admission can be allowed at once. */
  public boolean namespaceExempt(String namespace) {
    return namespace != null && config.exemptions().namespaces().contains(namespace);
  }

  /** The mode a finding of {@code ruleId} takes in a namespace of this mode (see {@link Modes#of}). */
  public Mode modeIn(String ruleId, Mode namespaceMode) {
    return modes.of(ruleId, namespaceMode);
  }

  /** One workload with the global mode, no pull secrets: {@link #judge(String, Mode, PullContext, List, Duration)}. */
  public CompletableFuture<Verdict> judge(String namespace, List<ContainerContext> containers, Duration budget) {
    return judge(namespace, null, null, containers, budget);
  }

  /** One workload, no pull secrets: {@link #judge(String, Mode, PullContext, List, Duration)}. */
  public CompletableFuture<Verdict> judge(String namespace, Mode namespaceMode, List<ContainerContext> containers, Duration budget) {
    return judge(namespace, namespaceMode, null, containers, budget);
  }

  /**
   * One workload known by no name, label or annotation: {@link #judge(Subject, Duration)}.
   *
   * @param namespaceMode the namespace's own mode, or null when it has none ({@link Modes})
   * @param pod the pod's namespace, service account and pull secret names (null: the namespace's
   *     default service account, no pull secret)
   */
  public CompletableFuture<Verdict> judge(
      String namespace, Mode namespaceMode, PullContext pod, List<ContainerContext> containers, Duration budget) {
    return judge(new Subject(namespace, namespaceMode, pod, containers), budget);
  }

  /**
   * Judges one workload at admission: a batch of one, every image read at once, all within
   * {@code budget}; what is not answered by then counts as unavailable.
   */
  public CompletableFuture<Verdict> judge(Subject subject, Duration budget) {
    if (subject.namespaceMode() == Mode.OFF) {
      return CompletableFuture.completedFuture(Verdict.CLEAN);
    }
    Deadline deadline = Deadline.after(budget);
    String late = "no answer from the registry within the admission deadline (" + budget.toMillis() + "ms)";
    return judge(List.of(subject),
        new ImageReads(images, Integer.MAX_VALUE, () -> deadline, budget, perPod()), late, budget, false)
        .thenApply(judgements -> judgements.get(0).verdict());
  }

  /**
   * Judges many workloads, reading each distinct image once, at most {@code concurrency} at a time
   * (so a background audit leaves the registry threads to admissions), each within
   * {@code registries.timeout}. Blocks the calling thread until every image is read or has timed
   * out; call it from a worker thread.
   *
   * @return one judgement per subject, in order
   */
  public List<Judgement> judgeAll(List<Subject> subjects, int concurrency) throws InterruptedException {
    Duration timeout = config.registries().timeout();
    String late = "no answer from the registry within " + timeout.toMillis() + "ms";
    ImageReads reads = new ImageReads(images, concurrency, () -> Deadline.after(timeout), timeout.plusSeconds(5), perPod());
    try {
      return judge(subjects, reads, late, null, true).get();
    } catch (InterruptedException e) {
      reads.abandon(); // stopped (e.g. no longer the lease holder): leave the registries alone
      throw e;
    } catch (ExecutionException e) {
      throw new IllegalStateException("judging failed", e.getCause());
    }
  }

  /**
   * The core: starts every read the batch needs; once they have all answered or had their time
   * ({@code atMost}, null: each its own), judges every workload on what answered.
   *
   * @param explain each judgement with its rules' statuses and outcomes (the audit, the CLI); an
   *     admission answers with the verdict alone and is spared building them
   */
  private CompletableFuture<List<Judgement>> judge(List<Subject> subjects, ImageReads reads, String late, Duration atMost,
      boolean explain) {
    List<ImageCap.Capped> capped = new ArrayList<>(subjects.size());
    for (Subject subject : subjects) {
      ImageCap.Capped judged = subject.namespaceMode() == Mode.OFF ? null
          : cap.apply(notExempt(subject.containers()), modes.imageUnavailable(subject.namespaceMode()));
      capped.add(judged);
      if (judged == null) {
        continue;
      }
      for (ContainerContext container : judged.judged()) {
        if (runs.needsImage(subject.namespace(), container)) {
          reads.read(container.reference(), container.platforms(), subject.pod(), platforms.filter(container.platforms()));
        }
      }
    }
    CompletableFuture<Void> ready = reads.settled();
    if (atMost != null) {
      ready = ready.completeOnTimeout(null, Math.max(0, atMost.toMillis()), TimeUnit.MILLISECONDS);
    }
    return ready.thenApply(done -> judgements(subjects, capped, reads, late, explain));
  }

  private List<Judgement> judgements(List<Subject> subjects, List<ImageCap.Capped> capped, ImageReads reads, String late,
      boolean explain) {
    List<Judgement> judgements = new ArrayList<>(subjects.size());
    Instant now = clock.instant(); // one instant for the whole batch: its workloads meet the same exceptions
    for (int i = 0; i < subjects.size(); i++) {
      Subject subject = subjects.get(i);
      ImageCap.Capped judged = capped.get(i);
      if (judged == null) {
        judgements.add(Judgement.OFF);
        continue;
      }
      List<Finding> findings = new ArrayList<>(judged.findings());
      List<Excepted> excepted = new ArrayList<>(0);
      Exceptions.Scope scope = exceptions.scope(subject, now);
      List<RuleStatus> statuses = new ArrayList<>(0); // stays empty unless explaining
      List<CompletableFuture<ResolvedImage>> used = new ArrayList<>();
      for (ContainerContext container : judged.judged()) {
        CompletableFuture<ResolvedImage> read = container.reference() == null ? null : reads.readFor(container.reference(), container.platforms(), subject.pod());
        if (read != null) {
          used.add(read);
        }
        RuleRuns.Result result = runs.run(subject.namespace(), subject.namespaceMode(), container, read, late, scope, explain);
        findings.addAll(result.findings());
        statuses.addAll(result.statuses());
        excepted.addAll(result.excepted());
      }
      Verdict verdict = new Verdict(findings, StaleNotice.of(used), excepted, scope.notices());
      judgements.add(explain ? new Judgement(verdict, runs.outcomes(statuses, !judged.findings().isEmpty()), statuses)
          : new Judgement(verdict, Map.of(), List.of()));
    }
    return judgements;
  }

  /**
   * Reads an image into the resolver's caches as the admission of a pod with this pull context and
   * no placement constraint would read it (the same credentials, the same children of an index), so
   * that admission finds it there. Null when no admission would read it: its namespace or the image
   * is exempt.
   */
  public CompletableFuture<ResolvedImage> prefetch(ImageReference reference, PullContext pod, Deadline deadline) {
    if (namespaceExempt(pod.namespace()) || exemptImages.matches(reference.original(), reference)) {
      return null;
    }
    return images.resolve(reference, pod, deadline, platforms.filter(PodPlatforms.ANY));
  }

  /** The containers not exempt by {@code exemptions.images}. */
  private List<ContainerContext> notExempt(List<ContainerContext> containers) {
    List<ContainerContext> judged = new ArrayList<>(containers.size());
    for (ContainerContext container : containers) {
      if (!exemptImages.matches(container.image(), container.reference())) {
        judged.add(container);
      }
    }
    return judged;
  }

  /** With pull secrets an image is read once per pull context: what one pod may read, another may not. */
  private boolean perPod() {
    return config.registries().usePullSecrets();
  }
}
