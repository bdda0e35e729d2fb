package dev.imagegate.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.image.history.BaseImageSteps;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@link ImageFacts} from a raw OCI / Docker v2.2 image config blob.
 *
 * <p>We parse the JSON ourselves: jib-core's config template keeps the User/Env/Healthcheck
 * getters package-private.
 *
 * <p>Bounded work: the registry layer reads at most 8 MiB of config, and of it only the first
 * {@value #MAX_ENV_ENTRIES} {@code Env} entries and the first {@value #MAX_HISTORY_ENTRIES}
 * history lines are kept for the rules, and of those at most {@value #MAX_CHARS} characters each
 * for env and history (an entry that does not fit is cut to what is left; the entries after it are
 * left out). {@link ImageFacts} counts what was left out. Real images have a few dozen entries of
 * a few KiB in all; the bound keeps the rules' scan of a hostile config to a few hundred
 * milliseconds (a 7 MB value costs the secret detector about a second).
 */
public final class ImageConfigParser {
  /** {@code Env} entries kept, the first ones. */
  public static final int MAX_ENV_ENTRIES = 1_000;
  /** History {@code created_by} lines kept, the first ones. */
  public static final int MAX_HISTORY_ENTRIES = 1_000;
  /** Characters kept of all {@code Env} entries together, and of all history lines together. */
  public static final int MAX_CHARS = 512 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private ImageConfigParser() {}

  public static ImageFacts parse(String platform, String configDigest, byte[] configJson) throws IOException {
    return parse(platform, configDigest, read(configJson));
  }

  /** The config as a JSON object. */
  public static JsonNode read(byte[] configJson) throws IOException {
    JsonNode root = JSON.readTree(configJson);
    if (root == null || !root.isObject()) {
      throw new IOException("image config is not a JSON object");
    }
    return root;
  }

  /** @param root the config as {@link #read} gives it (a caller that needs its {@code os}/{@code architecture} reads it once) */
  public static ImageFacts parse(String platform, String configDigest, JsonNode root) {
    JsonNode config = root.path("config");
    JsonNode healthcheck = config.path("Healthcheck");
    List<String> test = healthcheck.isObject() && healthcheck.has("Test") ? strings(healthcheck.get("Test"), Integer.MAX_VALUE) : null;
    JsonNode historyNode = root.path("history");
    List<String> history = new ArrayList<>();
    int budget = MAX_CHARS;
    for (JsonNode entry : historyNode) {
      if (history.size() == MAX_HISTORY_ENTRIES || budget == 0) {
        break;
      }
      String line = cut(entry.path("created_by").asText(""), budget);
      budget -= line.length();
      history.add(line);
    }
    int historyOmitted = historyNode.isArray() ? historyNode.size() - history.size() : 0;
    JsonNode envNode = config.path("Env");
    List<String> env = strings(envNode, MAX_ENV_ENTRIES);
    int envOmitted = envNode.isArray() ? envNode.size() - env.size() : 0;
    JsonNode osVersion = root.get("os.version");
    return new ImageFacts(platform, configDigest, config.path("User").asText(""), test, env, history, envOmitted, historyOmitted,
        osVersion != null && osVersion.isTextual() && !osVersion.asText().isBlank() ? osVersion.asText() : null,
        ports(config.path("ExposedPorts")), ImageFacts.UNKNOWN, BaseImageSteps.count(historyNode, history.size()));
  }

  /** {@code ExposedPorts}' keys ({@code "80/tcp": {}}), at most {@value #MAX_ENV_ENTRIES}. */
  private static List<String> ports(JsonNode exposed) {
    List<String> ports = new ArrayList<>();
    if (exposed.isObject()) {
      exposed.fieldNames().forEachRemaining(port -> {
        if (ports.size() < MAX_ENV_ENTRIES) {
          ports.add(port);
        }
      });
    }
    return ports;
  }

  /** The first {@code max} strings of an array, at most {@link #MAX_CHARS} characters in all. */
  private static List<String> strings(JsonNode array, int max) {
    List<String> values = new ArrayList<>();
    int budget = MAX_CHARS;
    if (array != null && array.isArray()) {
      for (JsonNode node : array) {
        if (values.size() == max || budget == 0) {
          break;
        }
        String value = cut(node.asText(), budget);
        budget -= value.length();
        values.add(value);
      }
    }
    return values;
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }
}
