package dev.imagegate.config;

import java.util.List;

/**
 * {@code exceptionsFromAnnotations}: self-service exceptions. Workloads in these namespaces may carry
 * {@code imagegate.dev/exception: "<rule>[,<rule>]"} with {@code imagegate.dev/exception-reason};
 * off (no namespace) by default, because anyone who can create a pod can write an annotation.
 *
 * @param namespaces namespace globs where the annotations are honoured
 */
public record ExceptionAnnotations(List<String> namespaces) {
  public static final ExceptionAnnotations OFF = new ExceptionAnnotations(List.of());

  public ExceptionAnnotations {
    namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    if (namespaces.stream().anyMatch(n -> n == null || n.isBlank())) {
      throw new ConfigException("exceptionsFromAnnotations.namespaces: an empty entry");
    }
  }
}
