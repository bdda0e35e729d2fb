package dev.imagegate.rules;

/**
 * One of the optional rules (docs/rules.md, "Optional rules"): judged only where the configuration
 * sets its {@code mode}. Its beans are singletons: a client proxy would need a constructor without
 * arguments that the rule has no use for.
 */
abstract class OptionalRule implements Rule {
  private final String id;

  OptionalRule(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public boolean onByDefault() {
    return false;
  }
}
