package dev.imagegate.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.imagegate.text.ExternalText;
import dev.imagegate.workload.Workload;
import dev.imagegate.workload.WorkloadKind;
import dev.imagegate.workload.Workloads;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Kubernetes manifests (YAML or JSON) → the workloads they hold, each with the line of every
 * container's {@code image:} as the parser saw it. A YAML stream is split into documents at
 * {@code ---} lines as kubectl does, so a document that does not parse is reported with its line
 * and the others are still read. {@code kind: List} (and {@code *List}) items are read one by one.
 * Error messages never quote the input: a broken line may hold a secret.
 */
final class ManifestReader {
  private static final Pattern SEPARATOR = Pattern.compile("^---(\\s.*)?$");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper(new JsonFactory());

  private ManifestReader() {}

  /** What a manifest stream held, in order. */
  record Contents(List<Found> workloads, List<Skipped> skipped, List<InputError> errors) {}

  /**
   * A workload read from {@code source}.
   *
   * @param line the line its object starts on
   * @param imageLines container name → line of its {@code image:}
   */
  record Found(String source, int line, Workload workload, Map<String, Integer> imageLines) {}

  /** A document that holds no workload (a Service, a ConfigMap…). */
  record Skipped(String source, int line, String kind, String name) {}

  /** A document that could not be read. */
  record InputError(String source, int line, String message) {}

  /** Reads {@code text} from {@code source} (a file name, or {@code -} for standard input). */
  static Contents read(String source, String text) {
    Contents contents = new Contents(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    if (looksLikeJson(source, text)) {
      readDocument(JSON, source, text, 0, contents);
      return contents;
    }
    String[] lines = text.split("\r?\n", -1);
    StringBuilder document = new StringBuilder();
    int firstLine = 0; // zero-based line where the current document's text starts
    for (int i = 0; i < lines.length; i++) {
      if (SEPARATOR.matcher(lines[i]).matches()) {
        readDocument(YAML, source, document.toString(), firstLine, contents);
        document.setLength(0);
        firstLine = i + 1;
        continue;
      }
      document.append(lines[i]).append('\n');
    }
    readDocument(YAML, source, document.toString(), firstLine, contents);
    return contents;
  }

  private static boolean looksLikeJson(String source, String text) {
    return source.endsWith(".json") || text.stripLeading().startsWith("{");
  }

  /** One YAML document, or a JSON stream of objects; {@code offset} lines precede it in its file. */
  private static void readDocument(ObjectMapper mapper, String source, String text, int offset, Contents contents) {
    if (text.isBlank()) {
      return;
    }
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser parser = mapper.getFactory().createParser(text)) {
      while (parser.nextToken() != null) {
        int start = parser.currentTokenLocation().getLineNr() + offset;
        TokenBuffer buffer = new TokenBuffer(parser);
        lines.clear();
        copyValue(parser, buffer, lines, offset);
        JsonNode root = mapper.readTree(buffer.asParser());
        if (root == null || root.isNull() || root.isMissingNode()) {
          continue; // a document of comments only
        }
        objects(source, root, "", start, lines, contents);
      }
    } catch (JsonProcessingException e) {
      // a parser that ran past the end (an unclosed bracket) names the document's last line that holds something
      int last = offset + 1 + (int) text.stripTrailing().chars().filter(c -> c == '\n').count();
      contents.errors().add(new InputError(source, Math.min(errorLine(e, offset), last),
          "not valid " + (mapper == JSON ? "JSON" : "YAML") + " (document from line " + (offset + 1) + "): " + problem(e)));
    } catch (IOException e) {
      contents.errors().add(new InputError(source, offset + 1, "cannot read: " + e.getClass().getSimpleName()));
    }
  }

  /** Copies one value of the stream, remembering the line of every path (as a JSON pointer). */
  private static void copyValue(JsonParser parser, TokenBuffer buffer, Map<String, Integer> lines, int offset) throws IOException {
    int depth = 0;
    do {
      JsonToken token = parser.currentToken();
      if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
        depth++;
      } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
        depth--;
      }
      if (token != JsonToken.FIELD_NAME && token != JsonToken.END_OBJECT && token != JsonToken.END_ARRAY) {
        lines.putIfAbsent(parser.getParsingContext().pathAsPointer().toString(), parser.currentTokenLocation().getLineNr() + offset);
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
          // the value's own context is the new one: its pointer is the parent's path
          lines.putIfAbsent(parser.getParsingContext().getParent() == null ? ""
              : parser.getParsingContext().getParent().pathAsPointer().toString(), parser.currentTokenLocation().getLineNr() + offset);
        }
      }
      buffer.copyCurrentEvent(parser);
    } while (depth > 0 && parser.nextToken() != null);
  }

  private static void objects(String source, JsonNode node, String pointer, int line, Map<String, Integer> lines, Contents contents) {
    if (!node.isObject()) {
      contents.errors().add(new InputError(source, line, "not a Kubernetes object (expected a mapping with apiVersion and kind)"));
      return;
    }
    String kind = node.path("kind").asText("");
    String apiVersion = node.path("apiVersion").asText("");
    if (kind.isEmpty() || apiVersion.isEmpty()) {
      contents.errors().add(new InputError(source, line, "not a Kubernetes object: " + (kind.isEmpty() ? "kind" : "apiVersion") + " is missing"));
      return;
    }
    if (kind.endsWith("List") && node.path("items").isArray()) {
      JsonNode items = node.get("items");
      for (int i = 0; i < items.size(); i++) {
        String item = pointer + "/items/" + i;
        objects(source, items.get(i), item, lines.getOrDefault(item, line), lines, contents);
      }
      return;
    }
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    WorkloadKind workloadKind = WorkloadKind.of(group, kind).orElse(null);
    if (workloadKind == null) {
      contents.skipped().add(new Skipped(source, line, kind, node.path("metadata").path("name").asText(null)));
      return;
    }
    HasMetadata object;
    try {
      object = YAML.treeToValue(node, workloadKind.type());
    } catch (JsonProcessingException | IllegalArgumentException e) {
      contents.errors().add(new InputError(source, line, ExternalText.quotedInMessage(kind) + " does not match its schema" + ExternalText.forApiserver(path(e), 300)));
      return;
    }
    Workload workload = Workloads.of(object);
    contents.workloads().add(new Found(source, line, workload, imageLines(node, pointer, workloadKind, lines)));
  }

  /** Container name → line of its image, for every container list of the pod spec. */
  private static Map<String, Integer> imageLines(JsonNode object, String pointer, WorkloadKind kind, Map<String, Integer> lines) {
    String spec = "/" + String.join("/", kind.podSpecPath());
    Map<String, Integer> images = new HashMap<>();
    for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
      JsonNode containers = object.at(spec + "/" + list);
      for (int i = 0; i < containers.size(); i++) {
        String name = containers.get(i).path("name").asText("");
        Integer line = lines.get(pointer + spec + "/" + list + "/" + i + "/image");
        if (line == null) {
          line = lines.get(pointer + spec + "/" + list + "/" + i);
        }
        if (line != null) {
          images.putIfAbsent(name, line);
        }
      }
    }
    return images;
  }

  private static int errorLine(JsonProcessingException e, int offset) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
      return marked.getProblemMark().getLine() + 1 + offset;
    }
    return e.getLocation() == null || e.getLocation().getLineNr() < 1 ? offset + 1 : e.getLocation().getLineNr() + offset;
  }

  /** What is wrong, without the offending text (the line may hold a secret). */
  private static String problem(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblem() != null) {
      return ExternalText.forApiserver(marked.getProblem(), 200);
    }
    return e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase();
  }

  private static String path(Exception e) {
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      StringBuilder path = new StringBuilder(" at ");
      for (JsonMappingException.Reference ref : mapping.getPath()) {
        path.append(ref.getFieldName() != null ? (path.length() > 4 ? "." : "") + ref.getFieldName() : "[" + ref.getIndex() + "]");
      }
      return path.toString();
    }
    return "";
  }
}
