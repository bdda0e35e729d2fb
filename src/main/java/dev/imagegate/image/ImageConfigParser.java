package dev.imagegate.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@link ImageFacts} from a raw OCI / Docker v2.2 image config blob.
 *
 * <p>We parse the JSON ourselves: jib-core's config template keeps the User/Env/Healthcheck
 * getters package-private.
 */
public final class ImageConfigParser {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ImageConfigParser() {}

  public static ImageFacts parse(String platform, String configDigest, byte[] configJson) throws IOException {
    JsonNode root = JSON.readTree(configJson);
    if (root == null || !root.isObject()) {
      throw new IOException("image config is not a JSON object");
    }
    JsonNode config = root.path("config");
    JsonNode healthcheck = config.path("Healthcheck");
    List<String> test = healthcheck.isObject() && healthcheck.has("Test") ? strings(healthcheck.get("Test")) : null;
    List<String> history = new ArrayList<>();
    for (JsonNode entry : root.path("history")) {
      history.add(entry.path("created_by").asText(""));
    }
    return new ImageFacts(platform, configDigest, config.path("User").asText(""), test, strings(config.path("Env")), history);
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(node -> values.add(node.asText()));
    }
    return values;
  }
}
