package dev.imagegate.rules;

import dev.imagegate.config.ImagegateConfig;
import java.util.List;
import java.util.function.Function;

/**
 * Every rule, built from one configuration: the engine of each configuration in force gets its own
 * rules with that configuration's options (a reloaded configuration builds new ones, so a rule reads
 * its options once, at construction). Listed in the one order rules judge in ({@link RuleOrder}):
 * adding a rule is adding its class and its constructor here.
 */
public final class Rules {
  private static final List<Function<ImagegateConfig, Rule>> CONSTRUCTORS = List.of(
      DisallowLatestTagRule::new, RunAsNonRootRule::new, NoSecretsInEnvRule::new, RequireHealthcheckRule::new,
      // the optional rules: ways in, then what the image carries, then how it runs
      NoSudoRule::new, NoSshPortRule::new, NoRemoteAddRule::new, NoBuildToolsRule::new, AptListsCleanedRule::new,
      ImageSizeRule::new, PythonUnbufferedRule::new);

  private Rules() {}

  /**
   * Every rule with its options from {@code config}, in judging order.
   *
   * @throws dev.imagegate.config.ConfigException when a rule's options are invalid, naming the rule's key
   */
  public static List<Rule> of(ImagegateConfig config) {
    return CONSTRUCTORS.stream().map(constructor -> constructor.apply(config)).toList();
  }
}
