package dev.imagegate.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The operating systems and architectures a pod can be scheduled to, from its {@code spec.os.name},
 * {@code nodeSelector} and required node affinity on the os/arch node labels: alternatives (ORed, as
 * node selector terms are), each a conjunction of requirements. No requirement in some alternative
 * means anywhere ({@link #ANY}).
 *
 * @param anyOf the alternatives; {@link #ANY} is one empty alternative
 */
public record PodPlatforms(List<List<Requirement>> anyOf) {
  /** No constraint on os or architecture. */
  public static final PodPlatforms ANY = new PodPlatforms(List.of(List.of()));

  public PodPlatforms {
    // An alternative without a requirement allows everything, so the union of all does too
    anyOf = anyOf == null || anyOf.isEmpty() || anyOf.stream().anyMatch(List::isEmpty)
        ? List.of(List.of())
        : anyOf.stream().map(List::copyOf).toList();
  }

  /** Which node label a requirement reads. */
  public enum Dimension {
    OS, ARCH;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A node selector operator; {@code Gt}/{@code Lt} say nothing of os or architecture and are never built. */
  public enum Operator { IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

  /**
   * One requirement on a node label, as the scheduler evaluates it. Every node carries both labels,
   * so {@code Exists} always holds and {@code DoesNotExist} never does.
   */
  public record Requirement(Dimension dimension, Operator operator, List<String> values) {
    public Requirement {
      values = values == null ? List.of() : values.stream().map(v -> v == null ? "" : v.toLowerCase(Locale.ROOT)).toList();
    }

    public static Requirement in(Dimension dimension, String... values) {
      return new Requirement(dimension, Operator.IN, List.of(values));
    }

    boolean matches(String value) {
      return switch (operator) {
        case IN -> values.contains(value);
        case NOT_IN -> !values.contains(value);
        case EXISTS -> true;
        case DOES_NOT_EXIST -> false;
      };
    }

    @Override
    public String toString() {
      return switch (operator) {
        case IN -> dimension.label() + (values.size() == 1 ? " " + values.get(0) : " in (" + String.join(", ", values) + ")");
        case NOT_IN -> dimension.label() + " not in (" + String.join(", ", values) + ")";
        case EXISTS -> dimension.label() + " set";
        case DOES_NOT_EXIST -> "no " + dimension.label();
      };
    }
  }

  /** Whether the pod constrains its os or architecture at all. */
  public boolean constrained() {
    return !anyOf.get(0).isEmpty();
  }

  /**
   * Whether the pod can run on a node of this os and architecture (compared case-insensitively).
   * An image whose config names no platform ({@code unknown}) is given the benefit of the doubt.
   */
  public boolean allows(String os, String architecture) {
    if ("unknown".equals(os)) {
      return true;
    }
    String o = os.toLowerCase(Locale.ROOT);
    String a = architecture.toLowerCase(Locale.ROOT);
    for (List<Requirement> alternative : anyOf) {
      if (alternative.stream().allMatch(r -> r.matches(r.dimension() == Dimension.OS ? o : a))) {
        return true;
      }
    }
    return false;
  }

  /** These platforms, where {@code requirements} also hold (a nodeSelector, {@code spec.os.name}: ANDed with every alternative). */
  public PodPlatforms and(List<Requirement> requirements) {
    if (requirements.isEmpty()) {
      return this;
    }
    List<List<Requirement>> both = new ArrayList<>(anyOf.size());
    for (List<Requirement> alternative : anyOf) {
      List<Requirement> all = new ArrayList<>(alternative);
      all.addAll(requirements);
      both.add(all);
    }
    return new PodPlatforms(both);
  }

  /** E.g. {@code os windows, arch amd64} or {@code arch arm64 | arch amd64}. */
  @Override
  public String toString() {
    if (!constrained()) {
      return "any platform";
    }
    return anyOf.stream().map(alt -> alt.stream().map(Requirement::toString).collect(Collectors.joining(", ")))
        .collect(Collectors.joining(" | "));
  }
}
