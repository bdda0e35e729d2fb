package dev.imagegate.workload;

import dev.imagegate.rules.PodPlatforms;
import dev.imagegate.rules.PodPlatforms.Dimension;
import dev.imagegate.rules.PodPlatforms.Operator;
import dev.imagegate.rules.PodPlatforms.Requirement;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a pod spec lets the scheduler put the pod, as far as os and architecture go: its
 * {@code spec.os.name}, its {@code nodeSelector} and its required node affinity
 * ({@code requiredDuringSchedulingIgnoredDuringExecution}) on {@code kubernetes.io/os} and
 * {@code kubernetes.io/arch} (and their {@code beta.kubernetes.io/} forms, which the kubelet still
 * sets). As the scheduler: the node selector terms are ORed, the expressions within a term ANDed,
 * and the {@code nodeSelector} map and {@code spec.os.name} hold for every term. A term that says
 * nothing of os or architecture allows any; an empty or unknown value constrains nothing.
 */
final class PodPlacement {
  private PodPlacement() {}

  static PodPlatforms of(PodSpec spec) {
    if (spec == null) {
      return PodPlatforms.ANY;
    }
    List<Requirement> always = new ArrayList<>(2);
    String os = spec.getOs() == null ? null : spec.getOs().getName();
    if ("linux".equalsIgnoreCase(os) || "windows".equalsIgnoreCase(os)) {
      always.add(Requirement.in(Dimension.OS, os));
    }
    Map<String, String> selector = spec.getNodeSelector();
    if (selector != null) {
      selector.forEach((key, value) -> {
        Dimension dimension = dimension(key);
        if (dimension != null && value != null && !value.isBlank()) {
          always.add(Requirement.in(dimension, value));
        }
      });
    }
    return affinity(spec.getAffinity()).and(always);
  }

  private static PodPlatforms affinity(Affinity affinity) {
    NodeSelector required = affinity == null || affinity.getNodeAffinity() == null
        ? null : affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    if (required == null || required.getNodeSelectorTerms() == null || required.getNodeSelectorTerms().isEmpty()) {
      return PodPlatforms.ANY;
    }
    List<List<Requirement>> terms = new ArrayList<>();
    for (NodeSelectorTerm term : required.getNodeSelectorTerms()) {
      List<Requirement> requirements = new ArrayList<>();
      if (term != null && term.getMatchExpressions() != null) {
        for (NodeSelectorRequirement expression : term.getMatchExpressions()) {
          Requirement requirement = expression == null ? null : requirement(expression);
          if (requirement != null) {
            requirements.add(requirement);
          }
        }
      }
      terms.add(requirements);
    }
    return new PodPlatforms(terms);
  }

  private static Requirement requirement(NodeSelectorRequirement expression) {
    Dimension dimension = dimension(expression.getKey());
    if (dimension == null || expression.getOperator() == null) {
      return null;
    }
    List<String> values = expression.getValues() == null ? List.of() : expression.getValues();
    Operator operator = switch (expression.getOperator()) {
      case "In" -> values.isEmpty() ? null : Operator.IN;
      case "NotIn" -> Operator.NOT_IN;
      case "Exists" -> Operator.EXISTS;
      case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
      default -> null; // Gt, Lt: numbers, never an os or architecture; anything else the apiserver refuses
    };
    return operator == null ? null : new Requirement(dimension, operator, values);
  }

  private static Dimension dimension(String label) {
    if (label == null) {
      return null;
    }
    return switch (label) {
      case "kubernetes.io/os", "beta.kubernetes.io/os" -> Dimension.OS;
      case "kubernetes.io/arch", "beta.kubernetes.io/arch" -> Dimension.ARCH;
      default -> null;
    };
  }
}
