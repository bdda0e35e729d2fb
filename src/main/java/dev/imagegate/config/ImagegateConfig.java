package dev.imagegate.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole configuration file ({@code IMAGEGATE_CONFIG}); every key is documented in the README.
 *
 * @param mode global mode: enforce, warn or audit
 * @param rules per-rule settings by rule id; a rule absent here runs with its defaults
 * @param exemptions namespaces and images no rule judges
 * @param registries how registries are reached
 * @param cache cache sizes and lifetimes
 * @param namespaceModes per-namespace modes from the label {@code imagegate.dev/mode}
 * @param events Kubernetes Events on denied and warned workloads
 * @param audit the background audit of the cluster's workloads
 * @param limits bounds on the work of one request
 * @param warmup the start-up warm-up of the admission path
 * @param exceptions named exceptions: violations let through with a reason, until a date
 * @param exceptionsFromAnnotations where workloads may carry their own exception as annotations
 */
public record ImagegateConfig(
    Mode mode,
    Map<String, RuleSettings> rules,
    Exemptions exemptions,
    RegistrySettings registries,
    CacheSettings cache,
    NamespaceModeSettings namespaceModes,
    EventSettings events,
    AuditSettings audit,
    LimitsSettings limits,
    WarmupSettings warmup,
    List<ExceptionEntry> exceptions,
    ExceptionAnnotations exceptionsFromAnnotations) {

  @JsonCreator
  public ImagegateConfig {
    mode = mode == null ? Mode.ENFORCE : mode;
    if (mode == Mode.OFF) {
      throw new ConfigException("mode: \"off\" is only for single rules and namespaces; the global mode is enforce, warn or audit");
    }
    rules = rules == null ? Map.of() : Map.copyOf(rules);
    exemptions = exemptions == null ? Exemptions.NONE : exemptions;
    registries = registries == null ? RegistrySettings.defaults() : registries;
    cache = cache == null ? CacheSettings.defaults() : cache;
    namespaceModes = namespaceModes == null ? NamespaceModeSettings.defaults() : namespaceModes;
    events = events == null ? EventSettings.defaults() : events;
    audit = audit == null ? AuditSettings.defaults() : audit;
    limits = limits == null ? LimitsSettings.defaults() : limits;
    warmup = warmup == null ? WarmupSettings.defaults() : warmup;
    exceptions = exceptions == null ? List.of() : List.copyOf(exceptions);
    Set<String> names = new HashSet<>();
    for (ExceptionEntry entry : exceptions) {
      if (!names.add(entry.name())) {
        throw new ConfigException("exceptions[" + entry.name() + "].name: used by two entries; every exception has its own name");
      }
    }
    exceptionsFromAnnotations = exceptionsFromAnnotations == null ? ExceptionAnnotations.OFF : exceptionsFromAnnotations;
  }

  /** Every key but the exceptions, which are none. */
  public ImagegateConfig(
      Mode mode, Map<String, RuleSettings> rules, Exemptions exemptions, RegistrySettings registries, CacheSettings cache,
      NamespaceModeSettings namespaceModes, EventSettings events, AuditSettings audit, LimitsSettings limits,
      WarmupSettings warmup) {
    this(mode, rules, exemptions, registries, cache, namespaceModes, events, audit, limits, warmup, null, null);
  }

  /** Every key but {@code warmup}, which takes its defaults. */
  public ImagegateConfig(
      Mode mode, Map<String, RuleSettings> rules, Exemptions exemptions, RegistrySettings registries, CacheSettings cache,
      NamespaceModeSettings namespaceModes, EventSettings events, AuditSettings audit, LimitsSettings limits) {
    this(mode, rules, exemptions, registries, cache, namespaceModes, events, audit, limits, null);
  }

  /** Every key but {@code limits} and {@code warmup}, which take their defaults. */
  public ImagegateConfig(
      Mode mode, Map<String, RuleSettings> rules, Exemptions exemptions, RegistrySettings registries, CacheSettings cache,
      NamespaceModeSettings namespaceModes, EventSettings events, AuditSettings audit) {
    this(mode, rules, exemptions, registries, cache, namespaceModes, events, audit, null, null);
  }

  /** The keys that predate namespace modes, events and the audit; those take their defaults. */
  public ImagegateConfig(
      Mode mode, Map<String, RuleSettings> rules, Exemptions exemptions, RegistrySettings registries, CacheSettings cache) {
    this(mode, rules, exemptions, registries, cache, null, null, null, null, null);
  }

  public static ImagegateConfig defaults() {
    return new ImagegateConfig(null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /**
   * The same settings where no cluster is at hand ({@code imagegate check}): no namespace modes,
   * Events, audit or pull secrets, no start-up warm-up or cache pre-warming (no admission will
   * come: they would only take CPU from the check), and the registry credentials of {@code dockerConfig} (null: none).
   */
  public ImagegateConfig awayFromCluster(String dockerConfig) {
    return new ImagegateConfig(mode, rules, exemptions, registries.withUsePullSecrets(false).withDockerConfig(dockerConfig),
        cache.withPrewarm(false, cache.prewarmBudget()),
        new NamespaceModeSettings(false), new EventSettings(false, events.interval()),
        new AuditSettings(false, audit.interval(), audit.concurrency(), audit.leaseName(), audit.namespaceSelector(),
            audit.objectSelector()),
        limits, new WarmupSettings(java.time.Duration.ZERO), exceptions, exceptionsFromAnnotations);
  }

  public RuleSettings rule(String id) {
    return rules.getOrDefault(id, RuleSettings.DEFAULT);
  }
}
