package dev.imagegate.admission;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.rules.Rule;
import io.quarkus.arc.All;
import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Before a replica reports ready ({@link AdmissionWarmupReadiness}), runs synthetic admissions through
 * the code a real one runs — reading the review, judging it, writing its decision line and its
 * answer — until the JIT compiler has compiled that path or {@code warmup.budget} has passed; a
 * fresh replica would otherwise answer its first requests many times slower, at a rollout, exactly
 * when the cluster is busiest.
 *
 * <p>Nothing of it is visible outside: its images are made up ({@link WarmupImages}: never a
 * registry, never the image caches), it has its own engine and handler, and its decisions are
 * neither logged, counted in metrics, nor reported as Events.
 */
@ApplicationScoped
public class AdmissionWarmup {
  /** Reviews as the apiserver sends them (defaults, managedFields, status), from the classpath. */
  static final List<String> REVIEWS = List.of("warmup/pod-3-containers.json", "warmup/deployment-init.json");
  /**
   * Past the C2 compiler's thresholds (about 10,000 calls or loop iterations) for every method of the
   * path, most of which run several times per admission; {@code warmup.budget} bounds it on a slow node.
   */
  static final int ADMISSIONS = 20_000;
  private static final Duration JUDGING_BUDGET = ValidateResource.budget(null);

  private final AdmissionReviews reviews;
  private final DecisionLog decisions;
  private final WarmupImages images = new WarmupImages();
  private final AdmissionHandler handler;
  private final Duration budget;
  private final int admissions;
  private volatile boolean finished;

  @Inject
  public AdmissionWarmup(AdmissionReviews reviews, DecisionLog decisions, ImagegateConfig config, @All List<Rule> rules,
      NamespaceModes namespaceModes) {
    // Tests and dev mode start the application many times and measure no latency: they skip it.
    this(reviews, decisions, config, rules, namespaceModes, LaunchMode.current() == LaunchMode.NORMAL ? ADMISSIONS : 0);
  }

  /** With {@code admissions} 0, switched off. */
  AdmissionWarmup(AdmissionReviews reviews, DecisionLog decisions, ImagegateConfig config, List<Rule> rules,
      NamespaceModes namespaceModes, int admissions) {
    this.admissions = admissions;
    this.reviews = reviews;
    this.decisions = decisions;
    this.handler = new AdmissionHandler(new PolicyEngine(config, rules, images), namespaceModes);
    this.budget = config.warmup().budget();
    this.finished = !config.warmup().enabled() || admissions == 0;
  }

  void onStart(@Observes StartupEvent event) {
    if (finished) {
      return;
    }
    Thread thread = new Thread(this::run, "imagegate-warmup");
    thread.setDaemon(true);
    thread.start();
  }

  /** Whether the warm-up is over: done, out of time, failed, or switched off. */
  public boolean finished() {
    return finished;
  }

  /** What the warm-up did: admissions run, how many were denied, how long it took. */
  record Result(int admissions, int denied, long millis, boolean outOfTime) {}

  /** Runs the warm-up on the calling thread; null when it failed. Readiness follows when it returns. */
  Result run() {
    try {
      List<byte[]> bodies = REVIEWS.stream().map(AdmissionWarmup::resource).toList();
      long start = System.nanoTime();
      long end = start + budget.toNanos();
      int done = 0;
      int denied = 0;
      while (done < admissions && System.nanoTime() < end) {
        if (!admit(bodies.get(done % bodies.size()))) {
          denied++;
        }
        done++;
      }
      Result result = new Result(done, denied, (System.nanoTime() - start) / 1_000_000, done < admissions);
      if (result.outOfTime()) {
        Log.infof("warm-up: %d synthetic admissions in %d ms, stopped by warmup.budget (%s) before %d",
            done, result.millis(), budget, admissions);
      } else {
        Log.infof("warm-up: %d synthetic admissions in %d ms", done, result.millis());
      }
      return result;
    } catch (RuntimeException | BadReviewException e) {
      // A warm-up that fails costs speed, never availability: the replica serves cold.
      Log.warnf(e, "warm-up failed; serving without it");
      return null;
    } finally {
      finished = true;
    }
  }

  /**
   * What ValidateResource does for one request, less its side effects (log, metrics, Events).
   *
   * @return whether it was allowed
   */
  private boolean admit(byte[] body) throws BadReviewException {
    long start = System.nanoTime();
    images.nextAdmission();
    AdmissionCall call = reviews.read(body);
    Decision decision = handler.decide(call, JUDGING_BUDGET).join();
    decisions.line(call, decision, System.nanoTime() - start);
    reviews.replyBytes(decision.response());
    return decision.response().getAllowed();
  }

  private static byte[] resource(String name) {
    try (InputStream in = AdmissionWarmup.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("warm-up review " + name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
