package dev.imagegate.admission;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.rules.Rule;
import dev.imagegate.rules.Rules;
import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Before a replica reports ready ({@link AdmissionWarmupReadiness}), sends synthetic admissions to
 * its own webhook port ({@link WarmupTraffic}) until the JIT compiler has compiled the whole path —
 * TLS, HTTP/2, the REST layer, reading, judging, the decision line, the answer — or {@code
 * warmup.budget} has passed; a fresh replica would otherwise answer its first requests many times
 * slower, at a rollout, exactly when the cluster is busiest.
 *
 * <p>Nothing of it is visible outside: a request carries a random token that only this process
 * knows and only until the warm-up ends ({@link #owns}); with it, {@link ValidateResource} judges
 * with this class's engine (the start-up configuration's), whose images are made up ({@link WarmupImages}: never a registry,
 * never the image caches), and neither writes the decision line, counts metrics nor sends Events.
 */
@ApplicationScoped
public class AdmissionWarmup {
  /** The request header that carries the warm-up's token. */
  static final String HEADER = "Imagegate-Warmup";
  /** Reviews as the apiserver sends them (defaults, managedFields, status), from the classpath. */
  static final List<String> REVIEWS = List.of("warmup/pod-3-containers.json", "warmup/deployment-init.json");

  private static final Duration JUDGING_BUDGET = ValidateResource.budget(null);

  private final Vertx vertx;
  private final AdmissionReviews reviews;
  private final DecisionLog decisions;
  private final WarmupImages images = new WarmupImages();
  private final PolicyEngine engine;
  private final AdmissionHandler handler;
  private final Duration budget;
  private final int admissions;
  private final URI webhook;
  private final byte[] token;
  private volatile boolean finished;
  private volatile Result result;

  @Inject
  public AdmissionWarmup(Vertx vertx, AdmissionReviews reviews, DecisionLog decisions, ImagegateConfig config,
      NamespaceModes namespaceModes,
      // Past the C2 compiler's thresholds (about 10,000 calls) for every method of the path; tests
      // and dev mode, which start the application many times and measure no latency, set 0.
      @ConfigProperty(name = "imagegate.warmup.admissions", defaultValue = "20000") int admissions) {
    this(vertx, reviews, decisions, config, Rules.of(config), namespaceModes, admissions, webhookUri());
  }

  /** With {@code admissions} 0, switched off; {@code webhook} is where its requests go. */
  AdmissionWarmup(Vertx vertx, AdmissionReviews reviews, DecisionLog decisions, ImagegateConfig config,
      List<Rule> rules, NamespaceModes namespaceModes, int admissions, URI webhook) {
    this.vertx = vertx;
    this.reviews = reviews;
    this.decisions = decisions;
    this.engine = new PolicyEngine(config, rules, images);
    this.handler = new AdmissionHandler(namespaceModes);
    this.budget = config.warmup().budget();
    this.admissions = admissions;
    this.webhook = webhook;
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    this.token = HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII);
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

  /** Whether a request carrying this header value is one of the warm-up's; never once it has ended. */
  boolean owns(String header) {
    return header != null && !finished
        && MessageDigest.isEqual(token, header.getBytes(StandardCharsets.US_ASCII));
  }

  /** The warm-up's own engine, for one more admission: the engine's code, made-up images. */
  PolicyEngine engine() {
    images.nextAdmission();
    return engine;
  }

  /** What the warm-up did, or null while it runs or when it did not run. */
  Result result() {
    return result;
  }

  /**
   * What the warm-up did: admissions judged in-process, admissions answered through the webhook port
   * (of which denied, and requests failed), how long it took.
   */
  record Result(int inProcess, int admissions, int denied, int failed, long millis, boolean outOfTime) {}

  /** Runs the warm-up on the calling thread. Readiness follows when it returns. */
  void run() {
    try {
      List<byte[]> bodies = REVIEWS.stream().map(AdmissionWarmup::resource).toList();
      long start = System.nanoTime();
      long deadline = start + budget.toNanos();
      int inProcess = inProcess(bodies, admissions, start + budget.toNanos() / 2);
      WarmupTraffic.Sent sent = new WarmupTraffic(vertx, webhook, HEADER, new String(token, StandardCharsets.US_ASCII))
          .send(bodies, admissions, deadline);
      long millis = (System.nanoTime() - start) / 1_000_000;
      result = new Result(inProcess, sent.admissions(), sent.denied(), sent.failed(), millis, sent.admissions() < admissions);
      if (sent.admissions() == 0) {
        // A warm-up that fails costs speed, never availability: the replica serves cold.
        Log.warnf("warm-up: no synthetic admission answered by %s within warmup.budget (%s); serving without it",
            webhook, budget);
      } else if (result.outOfTime()) {
        Log.infof("warm-up: %d synthetic admissions in-process, %d through %s, in %d ms, stopped by warmup.budget (%s)"
            + " before %d", inProcess, sent.admissions(), webhook, millis, budget, admissions);
      } else {
        Log.infof("warm-up: %d synthetic admissions in-process, %d through %s, in %d ms", inProcess, sent.admissions(),
            webhook, millis);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      Log.warnf(e, "warm-up failed; serving without it");
    } finally {
      finished = true;
    }
  }

  /**
   * The reading, judging and writing code alone, without a network in between: compiled several times
   * faster than through the port, which then finds it compiled. Until {@code count} or the deadline.
   */
  private int inProcess(List<byte[]> bodies, int count, long deadline) {
    int done = 0;
    while (done < count && System.nanoTime() < deadline) {
      try {
        long start = System.nanoTime();
        AdmissionCall call = reviews.read(bodies.get(done % bodies.size()));
        Decision decision = handler.decide(call, JUDGING_BUDGET, engine()).join();
        decisions.line(call, decision, System.nanoTime() - start);
        reviews.replyBytes(decision.response());
      } catch (BadReviewException e) {
        throw new IllegalStateException("warm-up review refused: " + e.getMessage(), e);
      }
      done++;
    }
    return done;
  }

  /**
   * This process's webhook endpoint as seen from inside it: the HTTPS port on loopback when the
   * server listens on every address, else on the one address it listens on.
   */
  private static URI webhookUri() {
    var config = ConfigProvider.getConfig();
    String prefix = LaunchMode.current().isDevOrTest() ? "quarkus.http.test-ssl-port" : "quarkus.http.ssl-port";
    int port = config.getOptionalValue(prefix, Integer.class).orElse(8443);
    String host = config.getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0");
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "127.0.0.1";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return URI.create("https://" + host + ":" + port + "/validate?timeout=10s");
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
