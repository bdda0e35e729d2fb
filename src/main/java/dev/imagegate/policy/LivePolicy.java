package dev.imagegate.policy;

import dev.imagegate.config.ConfigException;
import dev.imagegate.config.ConfigFile;
import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.ConfigProducer;
import dev.imagegate.config.ConfigWatcher;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.RestartOnlyKeys;
import dev.imagegate.registry.ImageResolver;
import dev.imagegate.rules.Rules;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The configuration in force, as one {@link PolicySnapshot} behind one reference: every admission,
 * audit pass and check asks for {@link #current()} once and judges with that alone.
 *
 * <p>The configuration file is re-read when it changes ({@link ConfigWatcher}: its directory is
 * watched, as a ConfigMap volume swaps a symlink, and it is re-read periodically besides). A new
 * content is parsed, given the running values of the keys that need a restart
 * ({@link RestartOnlyKeys}, each one it changed logged), and its engine built whole (rules with
 * their options, exceptions, registry wiring) before it replaces the old one in one swap. A file that
 * fails anywhere on the way is refused with the key named; the old configuration stays in force and
 * readiness is untouched. {@code imagegate_config_reload_total{outcome}} counts each new content
 * ({@link Outcome}); {@code imagegate_config_info{hash}} is 1 for the content in force only.
 */
@ApplicationScoped
@Startup // a wrong configuration stops the start, not the first admission
public class LivePolicy {
  /** What became of a new content of the file. */
  public enum Outcome {
    /** It replaced the configuration in force. */
    APPLIED,
    /** It could not be read or used; the configuration in force stays. */
    REJECTED,
    /** It means what the configuration in force means (comments, order, or only keys that need a restart). */
    UNCHANGED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A configuration's engine, and what putting it in force takes besides (the resolver's shared caches take its settings). */
  public record Built(PolicyEngine engine, Runnable inForce) {}

  /** Builds the engine of a configuration; throws (a {@link ConfigException} naming the key) when it cannot. */
  @FunctionalInterface
  public interface Builder {
    Built build(ImagegateConfig config);

    /**
     * Production's: the configuration's rules ({@link Rules}) over the resolver wired as the
     * configuration says; in force, the resolver's shared caches take its sizes and lifetimes.
     */
    static Builder over(ImageResolver resolver) {
      return config -> {
        ImageResolver.Wiring wiring = resolver.wiring(config.registries(), config.cache());
        return new Built(new PolicyEngine(config, Rules.of(config), RegistryImageSource.over(resolver, wiring)), () -> resolver.use(wiring));
      };
    }
  }

  private static final Logger LOG = Logger.getLogger(LivePolicy.class);

  private final Builder builder;
  private final MeterRegistry meters;
  private final Consumer<PolicySnapshot> changed;
  private final Map<Outcome, Counter> reloads = new EnumMap<>(Outcome.class);
  private final AtomicReference<PolicySnapshot> current = new AtomicReference<>();
  private final Path file;
  private final Duration interval;
  private final Duration settle;
  private Gauge info;
  private ConfigWatcher watcher;

  @Inject
  LivePolicy(ConfigProducer origin, ImageResolver resolver, MeterRegistry meters, Event<PolicySnapshot> changed,
      @ConfigProperty(name = "imagegate.config-reload.interval", defaultValue = "30s") String interval,
      @ConfigProperty(name = "imagegate.config-reload.settle", defaultValue = "200ms") String settle) {
    this(origin.started().config(), origin.started().file().hash(), Builder.over(resolver), meters, changed::fire,
        origin.watched() ? origin.file().orElseThrow() : null, ConfigLoader.duration(interval),
        ConfigLoader.duration(settle));
  }

  /**
   * @param file the file to watch, or null for none (built-in defaults, {@code imagegate check})
   * @param changed told each new snapshot, after it is in force
   */
  public LivePolicy(ImagegateConfig config, String hash, Builder builder, MeterRegistry meters, Consumer<PolicySnapshot> changed,
      Path file, Duration interval, Duration settle) {
    this.builder = builder;
    this.meters = meters;
    this.changed = changed;
    this.file = file;
    this.interval = interval;
    this.settle = settle;
    for (Outcome outcome : Outcome.values()) {
      reloads.put(outcome, Counter.builder("imagegate.config.reload")
          .description("New contents of the configuration file: applied, rejected (the old one stays) or unchanged in meaning")
          .tag("outcome", outcome.label()).register(meters));
    }
    Built first = builder.build(config);
    first.inForce().run();
    swap(new PolicySnapshot(first.engine(), hash));
  }

  /** The configuration in force and its engine: take it once per admission, audit pass or check. */
  public PolicySnapshot current() {
    return current.get();
  }

  /** The engine of the configuration in force. */
  public PolicyEngine engine() {
    return current.get().engine();
  }

  void onStart(@Observes StartupEvent event) {
    start();
  }

  void onStop(@Observes ShutdownEvent event) {
    close();
  }

  /** Watches the file, when there is one. */
  public synchronized void start() {
    if (file != null && watcher == null) {
      watcher = new ConfigWatcher(file, current().hash(), interval, settle, new ConfigWatcher.Listener() {
        @Override
        public void changed(ConfigFile content) {
          reload(content);
        }

        @Override
        public void unreadable(ConfigException failure) {
          refuse(failure.getMessage());
        }
      });
      watcher.start();
      LOG.infof("configuration %s in force; %s is re-read when it changes (and every %s)", current().hash(), file, interval);
    }
  }

  public synchronized void close() {
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
  }

  /**
   * Puts a new content of the configuration file in force, unless it is invalid (refused, the
   * configuration in force stays) or means the same.
   */
  public synchronized Outcome reload(ConfigFile content) {
    PolicySnapshot running = current();
    RestartOnlyKeys.Kept kept;
    Built built = null;
    try {
      kept = RestartOnlyKeys.keep(running.config(), content.parse());
      if (!kept.config().equals(running.config())) {
        built = builder.build(kept.config());
      }
    } catch (RuntimeException e) { // a ConfigException names the key; anything else is still a file we cannot use
      return refuse("configuration " + content.hash() + ": "
          + (e instanceof ConfigException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
    kept.notApplied().forEach(LOG::warn);
    if (built == null) {
      swap(new PolicySnapshot(running.engine(), content.hash()));
      LOG.infof("configuration %s means what %s meant: nothing to apply", content.hash(), running.hash());
      return count(Outcome.UNCHANGED);
    }
    built.inForce().run();
    PolicySnapshot next = new PolicySnapshot(built.engine(), content.hash());
    swap(next);
    LOG.infof("configuration %s applied (was %s)", next.hash(), running.hash());
    changed.accept(next);
    return count(Outcome.APPLIED);
  }

  private Outcome refuse(String why) {
    LOG.errorf("configuration file refused, configuration %s stays in force: %s", current().hash(), why);
    return count(Outcome.REJECTED);
  }

  private Outcome count(Outcome outcome) {
    reloads.get(outcome).increment();
    return outcome;
  }

  /** In force from now on, with the one info series naming it. */
  private void swap(PolicySnapshot next) {
    current.set(next);
    Gauge before = info;
    if (before != null && before.getId().getTag("hash").equals(next.hash())) {
      return;
    }
    info = Gauge.builder("imagegate.config.info", () -> 1)
        .description("1 for the configuration in force, by the short SHA-256 of the file's content")
        .tag("hash", next.hash()).register(meters);
    if (before != null) {
      meters.remove(before);
    }
  }
}
