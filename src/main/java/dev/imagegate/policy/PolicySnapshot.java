package dev.imagegate.policy;

import dev.imagegate.config.ImagegateConfig;

/**
 * One configuration in force and the engine built from it (its rules with their options, modes,
 * exemptions, exceptions, limits, registry wiring): immutable, replaced whole. An admission, an audit
 * pass or a check takes one at its start and uses only that, so none sees half of a reload.
 *
 * @param hash the short hash of the configuration file's content ({@code imagegate_config_info{hash}})
 */
public record PolicySnapshot(PolicyEngine engine, String hash) {
  public ImagegateConfig config() {
    return engine.config();
  }
}
