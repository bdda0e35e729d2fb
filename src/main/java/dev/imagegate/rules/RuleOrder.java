package dev.imagegate.rules;

import java.util.Comparator;
import java.util.List;

/**
 * The one order in which rules judge a container, and so the order of a container's findings. CDI
 * promises no order for the beans it collects, and every replica of the webhook (and a
 * {@code --dry-run=server} request) must word the same verdict the same way.
 *
 * <p>From the reference inwards, what endangers the cluster before what is hygiene: the tag as
 * written, the user the image runs as, the secrets it carries, its health check; then the optional
 * rules. Adding a rule is
 * adding its id here; a rule missing from the list still has a fixed place, after the listed ones by
 * id.
 */
public final class RuleOrder {
  public static final List<String> IDS =
      List.of(DisallowLatestTagRule.ID, RunAsNonRootRule.ID, NoSecretsInEnvRule.ID, RequireHealthcheckRule.ID,
          // the optional rules: ways in, then what the image carries, then how it runs
          NoSudoRule.ID, NoSshPortRule.ID, NoRemoteAddRule.ID, NoBuildToolsRule.ID, AptListsCleanedRule.ID, ImageSizeRule.ID,
          PythonUnbufferedRule.ID);

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
