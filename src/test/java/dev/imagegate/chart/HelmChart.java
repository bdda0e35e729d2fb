package dev.imagegate.chart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart at {@code charts/imagegate}, driven through helm-java (Helm as a native library: no
 * helm binary, no cluster). Renders are parsed into fabric8 objects.
 */
final class HelmChart {
  static final Path DIR = Path.of("charts", "imagegate");
  static final String RELEASE = "imagegate";
  static final String NAMESPACE = "imagegate";
  /** helm-java's template defaults to Kubernetes 1.20, below the chart's kubeVersion. */
  static final String KUBE_VERSION = "1.30.0";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private HelmChart() {}

  /** {@code helm template} with the default values plus {@code --set} pairs, as YAML text. */
  static String template(Map<String, ?> sets) {
    return template(sets, null, RELEASE, NAMESPACE);
  }

  /** {@code helm template}, with an optional values file ({@code -f}) under the {@code --set} pairs. */
  static String template(Map<String, ?> sets, Path valuesFile, String release, String namespace) {
    TemplateCommand command =
        new Helm(DIR).template().withName(release).withNamespace(namespace).withKubeVersion(KUBE_VERSION);
    if (valuesFile != null) {
      command = command.withValuesFile(valuesFile);
    }
    for (Map.Entry<String, ?> set : sets.entrySet()) {
      command = command.set(set.getKey(), set.getValue());
    }
    return command.call();
  }

  /** A render parsed into objects. */
  static Rendered render(Map<String, ?> sets) {
    return Rendered.parse(template(sets));
  }

  static Rendered renderWithValuesFile(Path valuesFile, Map<String, ?> sets) {
    return Rendered.parse(template(sets, valuesFile, RELEASE, NAMESPACE));
  }

  /** {@code helm lint --strict} of the chart as it is. */
  static LintResult lintStrict() {
    return new Helm(DIR).lint().strict().call();
  }

  /**
   * {@code helm lint --strict} with other values: helm-java's lint takes no values, so this lints a
   * copy of the chart whose values.yaml is the chart's deep-merged with {@code overrides}.
   */
  static LintResult lintStrict(Path overrides, Path workDir) {
    Path copy = workDir.resolve("imagegate");
    copyTree(DIR, copy);
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> values = YAML.readValue(DIR.resolve("values.yaml").toFile(), Map.class);
      @SuppressWarnings("unchecked")
      Map<String, Object> extra = YAML.readValue(overrides.toFile(), Map.class);
      YAML.writeValue(copy.resolve("values.yaml").toFile(), deepMerge(values, extra));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Helm(copy).lint().strict().call();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> over) {
    Map<String, Object> out = new LinkedHashMap<>(base);
    over.forEach(
        (key, value) -> {
          Object old = out.get(key);
          if (old instanceof Map && value instanceof Map) {
            out.put(key, deepMerge((Map<String, Object>) old, (Map<String, Object>) value));
          } else {
            out.put(key, value);
          }
        });
    return out;
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The objects of one render. */
  record Rendered(String yaml, List<HasMetadata> objects) {
    static Rendered parse(String yaml) {
      Object parsed = SERIALIZATION.unmarshal(yaml);
      List<HasMetadata> objects = new ArrayList<>();
      if (parsed instanceof List<?> list) {
        list.stream().filter(HasMetadata.class::isInstance).map(HasMetadata.class::cast).forEach(objects::add);
      } else if (parsed instanceof HasMetadata one) {
        objects.add(one);
      }
      return new Rendered(yaml, List.copyOf(objects));
    }

    /** All objects of a kind, as their fabric8 class. */
    <T extends HasMetadata> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The one object of a kind; fails when there is none or several. */
    <T extends HasMetadata> T one(Class<T> type) {
      List<T> found = all(type);
      if (found.size() != 1) {
        throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
      }
      return found.get(0);
    }

    /** Objects whose kind fabric8 does not model (cert-manager, prometheus-operator), by kind. */
    List<HasMetadata> ofKind(String kind) {
      return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
    }

    List<String> kinds() {
      return objects.stream().map(HasMetadata::getKind).toList();
    }
  }
}
