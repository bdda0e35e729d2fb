package dev.imagegate.config;

import java.util.Map;

/**
 * The whole configuration file ({@code IMAGEGATE_CONFIG}); every key is documented in the README.
 *
 * @param mode global mode: enforce, warn or audit
 * @param rules per-rule settings by rule id; a rule absent here runs with its defaults
 * @param exemptions namespaces and images no rule judges
 * @param registries how registries are reached
 * @param cache cache sizes and lifetimes
 */
public record ImagegateConfig(
    Mode mode, Map<String, RuleSettings> rules, Exemptions exemptions, RegistrySettings registries, CacheSettings cache) {

  public ImagegateConfig {
    mode = mode == null ? Mode.ENFORCE : mode;
    if (mode == Mode.OFF) {
      throw new ConfigException("mode: \"off\" is only for single rules; the global mode is enforce, warn or audit");
    }
    rules = rules == null ? Map.of() : Map.copyOf(rules);
    exemptions = exemptions == null ? Exemptions.NONE : exemptions;
    registries = registries == null ? RegistrySettings.defaults() : registries;
    cache = cache == null ? CacheSettings.defaults() : cache;
  }

  public static ImagegateConfig defaults() {
    return new ImagegateConfig(null, null, null, null, null);
  }

  public RuleSettings rule(String id) {
    return rules.getOrDefault(id, RuleSettings.DEFAULT);
  }

  /** The mode a rule's violations take: the rule's own, else the global one. */
  public Mode modeOf(String ruleId) {
    Mode own = rule(ruleId).mode();
    return own == null ? mode : own;
  }
}
