package dev.imagegate.testing;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a value against a CRD's structural {@code openAPIV3Schema} as the apiserver would, for
 * what it checks on write: {@code type}, {@code properties} (a field the schema does not declare
 * is an error here: the apiserver would silently prune it, losing data), {@code additionalProperties},
 * {@code items}, {@code required}, {@code enum}, integer {@code format} int32/int64,
 * {@code nullable} and {@code x-kubernetes-preserve-unknown-fields}. At the root, {@code apiVersion},
 * {@code kind} and {@code metadata} are the apiserver's own and not checked further.
 */
public final class StructuralSchema {
  private StructuralSchema() {}

  /** Every problem, as {@code path: what}; empty when the object fits the schema. */
  public static List<String> problems(Map<String, Object> schema, Map<String, Object> object) {
    List<String> problems = new ArrayList<>();
    check(schema, object, "", true, problems);
    return problems;
  }

  @SuppressWarnings("unchecked")
  private static void check(Map<String, Object> schema, Object value, String path, boolean root, List<String> problems) {
    String at = path.isEmpty() ? "<root>" : path;
    if (value == null) {
      if (!Boolean.TRUE.equals(schema.get("nullable"))) {
        problems.add(at + ": null where the schema has no nullable: true");
      }
      return;
    }
    Object type = schema.get("type");
    if (schema.get("enum") instanceof List<?> allowed && !allowed.contains(value)) {
      problems.add(at + ": " + value + " is not one of " + allowed);
    }
    if (type == null) {
      if (!Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string"))
          && !Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"))) {
        problems.add(at + ": the schema gives no type (not structural)");
      }
      return;
    }
    switch (String.valueOf(type)) {
      case "object" -> {
        if (!(value instanceof Map<?, ?> map)) {
          problems.add(at + ": expected an object, got " + value.getClass().getSimpleName());
          return;
        }
        Map<String, Object> properties = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
        Object additional = schema.get("additionalProperties");
        boolean preserve = Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"));
        for (String required : (List<String>) schema.getOrDefault("required", List.of())) {
          if (!map.containsKey(required)) {
            problems.add(at + ": required field " + required + " is missing");
          }
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          String key = String.valueOf(entry.getKey());
          String child = path.isEmpty() ? key : path + "." + key;
          if (root && List.of("apiVersion", "kind", "metadata").contains(key)) {
            continue;
          }
          if (properties.containsKey(key)) {
            check((Map<String, Object>) properties.get(key), entry.getValue(), child, false, problems);
          } else if (additional instanceof Map<?, ?> valueSchema) {
            check((Map<String, Object>) valueSchema, entry.getValue(), child, false, problems);
          } else if (!preserve) {
            problems.add(child + ": not in the schema (the apiserver would prune it)");
          }
        }
      }
      case "array" -> {
        if (!(value instanceof List<?> list)) {
          problems.add(at + ": expected an array, got " + value.getClass().getSimpleName());
          return;
        }
        Map<String, Object> items = (Map<String, Object>) schema.get("items");
        if (items == null) {
          problems.add(at + ": array without items (not structural)");
          return;
        }
        for (int i = 0; i < list.size(); i++) {
          check(items, list.get(i), path + "[" + i + "]", false, problems);
        }
      }
      case "string" -> {
        if (!(value instanceof String)) {
          problems.add(at + ": expected a string, got " + value.getClass().getSimpleName() + " " + value);
        }
      }
      case "boolean" -> {
        if (!(value instanceof Boolean)) {
          problems.add(at + ": expected a boolean, got " + value.getClass().getSimpleName() + " " + value);
        }
      }
      case "integer" -> {
        if (!(value instanceof Integer || value instanceof Long || value instanceof BigInteger || value instanceof Short)) {
          problems.add(at + ": expected an integer, got " + value.getClass().getSimpleName() + " " + value);
          return;
        }
        long number = ((Number) value).longValue();
        if ("int32".equals(schema.get("format")) && (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE)) {
          problems.add(at + ": " + number + " does not fit int32");
        }
      }
      case "number" -> {
        if (!(value instanceof Number)) {
          problems.add(at + ": expected a number, got " + value.getClass().getSimpleName());
        }
      }
      default -> problems.add(at + ": unknown type " + type);
    }
  }
}
