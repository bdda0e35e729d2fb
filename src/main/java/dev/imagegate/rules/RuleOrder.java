package dev.imagegate.rules;

import dev.imagegate.config.ImagegateConfig;
import java.util.Comparator;
import java.util.List;

/**
 * The one order in which rules judge a container, and so the order of a container's findings: every
 * replica of the webhook (and a {@code --dry-run=server} request) must word the same verdict the same
 * way, whatever order a caller hands the rules in.
 *
 * <p>From the reference inwards, what endangers the cluster before what is hygiene: the tag as
 * written, the user the image runs as, the secrets it carries, its health check; then the optional
 * rules: the order of {@link Rules}. A rule missing from it (a test's) still has a fixed place,
 * after the listed ones by id.
 */
public final class RuleOrder {
  public static final List<String> IDS = Rules.of(ImagegateConfig.defaults()).stream().map(Rule::id).toList();

  /** By {@link #IDS}, then unlisted rules by id: the same order whatever the order given. */
  public static final Comparator<Rule> COMPARATOR =
      Comparator.comparingInt((Rule rule) -> rank(rule.id())).thenComparing(Rule::id);

  private RuleOrder() {}

  public static <R extends Rule> List<R> sorted(List<R> rules) {
    return rules.stream().sorted(COMPARATOR).toList();
  }

  private static int rank(String id) {
    int index = IDS.indexOf(id);
    return index < 0 ? IDS.size() : index;
  }
}
