package dev.imagegate.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kubernetes label selector ({@code metav1.LabelSelector}) with the apiserver's meaning, so that
 * imagegate picks exactly the objects a webhook's {@code namespaceSelector} or {@code objectSelector}
 * picks: every {@code matchLabels} pair and every {@code matchExpressions} requirement must hold; a
 * selector with neither matches everything.
 *
 * @param matchLabels label → the value it must have
 * @param matchExpressions requirements, each {@code In}, {@code NotIn}, {@code Exists} or {@code DoesNotExist}
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
  /** Matches every object, as an empty selector does. */
  public static final LabelSelector EVERYTHING = new LabelSelector(null, null);

  private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

  /**
   * @param key the label
   * @param operator {@code In} (the label has one of the values), {@code NotIn} (the label is absent or
   *     has none of them), {@code Exists} or {@code DoesNotExist}
   * @param values the values: at least one for In and NotIn, none for Exists and DoesNotExist
   */
  public record Requirement(String key, String operator, List<String> values) {
    public Requirement {
      values = values == null ? List.of() : List.copyOf(values);
    }

    boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case "In" -> value != null && values.contains(value);
        case "NotIn" -> value == null || !values.contains(value);
        case "Exists" -> value != null;
        default -> value == null; // DoesNotExist; anything else was refused at load
      };
    }
  }

  public LabelSelector {
    matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
    matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
  }

  /** This selector, or a {@link ConfigException} naming {@code path} and what is wrong, as the apiserver would refuse it. */
  public LabelSelector checked(String path) {
    matchLabels.forEach((key, value) -> {
      if (key == null || key.isBlank() || value == null) {
        throw new ConfigException(path + ".matchLabels: \"" + key + "\" needs a label key and a value");
      }
    });
    for (int i = 0; i < matchExpressions.size(); i++) {
      Requirement r = matchExpressions.get(i);
      String at = path + ".matchExpressions[" + i + "]";
      if (r == null || r.key() == null || r.key().isBlank()) {
        throw new ConfigException(at + ".key: a label key is required");
      }
      if (r.operator() == null || !OPERATORS.contains(r.operator())) {
        throw new ConfigException(at + ".operator: \"" + (r == null ? null : r.operator())
            + "\" is not In, NotIn, Exists or DoesNotExist");
      }
      boolean takesValues = r.operator().equals("In") || r.operator().equals("NotIn");
      if (takesValues && r.values().isEmpty()) {
        throw new ConfigException(at + ".values: " + r.operator() + " needs at least one value");
      }
      if (!takesValues && !r.values().isEmpty()) {
        throw new ConfigException(at + ".values: " + r.operator() + " takes no values");
      }
    }
    return this;
  }

  /** Whether an object with these labels (null: none) is selected. */
  public boolean matches(Map<String, String> labels) {
    Map<String, String> actual = labels == null ? Map.of() : labels;
    for (Map.Entry<String, String> pair : matchLabels.entrySet()) {
      if (!pair.getValue().equals(actual.get(pair.getKey()))) {
        return false;
      }
    }
    return matchExpressions.stream().allMatch(r -> r.matches(actual));
  }

  /** Whether it selects everything (no pair, no requirement). */
  public boolean isEmpty() {
    return matchLabels.isEmpty() && matchExpressions.isEmpty();
  }
}
