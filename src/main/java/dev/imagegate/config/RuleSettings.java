package dev.imagegate.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The configuration of one rule: its mode, its own exemptions, and its rule-specific options.
 *
 * @param mode the rule's mode, or {@code null} to follow the global mode
 * @param exemptions images this rule does not judge
 * @param options the rule's own keys (e.g. {@code requireNumericUser}), converted by {@link #options(Class)}
 */
public record RuleSettings(Mode mode, Exemptions exemptions, Map<String, Object> options) {
  public static final RuleSettings DEFAULT = new RuleSettings(null, Exemptions.NONE, Map.of());

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Reads a rule's block: {@code mode} and {@code exemptions} are common, every other key is the rule's own. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static RuleSettings fromYaml(Map<String, Object> block) {
    Map<String, Object> options = new LinkedHashMap<>(block == null ? Map.of() : block);
    Object mode = options.remove("mode");
    Object exemptions = options.remove("exemptions");
    return new RuleSettings(
        mode == null ? null : Mode.of(String.valueOf(mode)),
        exemptions == null ? null : MAPPER.convertValue(exemptions, Exemptions.class),
        options);
  }

  public RuleSettings {
    exemptions = exemptions == null ? Exemptions.NONE : exemptions;
    options = options == null ? Map.of() : Map.copyOf(options);
  }

  /**
   * Converts the rule-specific keys into the rule's options record. A misspelt key fails here, at
   * start-up, rather than being silently ignored.
   */
  public <T> T options(Class<T> type) {
    try {
      return MAPPER.convertValue(options, type);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("invalid options " + options.keySet() + ": " + e.getMessage(), e);
    }
  }

  /** {@link #options(Class)}, the error naming the rule's block ({@code rules.image-size: invalid options …}). */
  public <T> T options(String ruleId, Class<T> type) {
    try {
      return options(type);
    } catch (ConfigException e) {
      throw new ConfigException("rules." + ruleId + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether the rule judges at all: its mode is not {@code off}; an optional rule (off by default)
   * judges only with a mode set.
   */
  public boolean inForce(boolean onByDefault) {
    return mode == null ? onByDefault : mode != Mode.OFF;
  }
}
