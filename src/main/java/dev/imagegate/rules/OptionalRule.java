package dev.imagegate.rules;

/**
 * One of the optional rules (docs/rules.md, "Optional rules"): judged only where the configuration
 * sets its {@code mode}.
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
