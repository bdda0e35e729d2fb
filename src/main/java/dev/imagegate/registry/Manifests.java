package dev.imagegate.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.image.Digest;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.text.ExternalText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads manifests and image indexes leniently: only the fields imagegate needs are looked at, so
 * whatever else a registry or a newer spec puts in (OCI 1.1 {@code artifactType}, {@code subject},
 * {@code data}, {@code urls}, annotations of any shape) never makes a real image unreadable.
 */
final class Manifests {
  static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
  static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
  static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  private static final Set<String> INDEX_TYPES = Set.of(DistributionClient.OCI_INDEX, DistributionClient.DOCKER_LIST);
  private static final Set<String> IMAGE_TYPES = Set.of(DistributionClient.OCI_MANIFEST, DistributionClient.DOCKER_MANIFEST);
  private static final Set<String> CONFIG_TYPES = Set.of(DOCKER_CONFIG, OCI_CONFIG);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A parsed manifest: an image manifest or an index. */
  sealed interface Parsed permits Image, Index {}

  /**
   * A single-platform image manifest: its config blob, and what its layers weigh.
   *
   * @param compressedSize the sum of the layers' {@code size} (what a pull downloads), or
   *     {@link ImageFacts#UNKNOWN} when a layer states none
   */
  record Image(Digest configDigest, long compressedSize) implements Parsed {}

  /** An image index or manifest list. */
  record Index(List<IndexEntry> entries) implements Parsed {}

  private Manifests() {}

  /**
   * @param contentType the response's {@code Content-Type}, used when the document names no media type
   */
  static Parsed parse(byte[] body, String contentType) throws ImageFetchException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new ImageFetchException(ErrorReason.INVALID, "invalid manifest: not JSON");
    }
    if (root == null || !root.isObject()) {
      throw new ImageFetchException(ErrorReason.INVALID, "invalid manifest: not a JSON object");
    }
    String mediaType = text(root, "mediaType");
    if (mediaType == null) {
      mediaType = contentType == null ? null : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }
    if (root.path("schemaVersion").asInt(2) == 1 || DOCKER_SCHEMA1.equals(mediaType) || DOCKER_SCHEMA1_SIGNED.equals(mediaType)) {
      throw new ImageFetchException(ErrorReason.INVALID, "Docker schema 1 manifests are not supported");
    }
    boolean index = in(INDEX_TYPES, mediaType) || (!in(IMAGE_TYPES, mediaType) && root.path("manifests").isArray());
    if (index) {
      return new Index(entries(root.path("manifests")));
    }
    JsonNode config = root.path("config");
    if (!config.isObject()) {
      if (mediaType != null && !in(IMAGE_TYPES, mediaType)) {
        throw new ImageFetchException(ErrorReason.INVALID, "not an image manifest or index (media type " + ExternalText.registryField(mediaType) + ")");
      }
      throw new ImageFetchException(ErrorReason.INVALID, "invalid manifest: no config");
    }
    Digest configDigest = digest(config);
    if (configDigest == null) {
      throw new ImageFetchException(ErrorReason.INVALID, "invalid manifest: no config digest");
    }
    String configType = text(config, "mediaType");
    if (configType != null && !CONFIG_TYPES.contains(configType.toLowerCase(Locale.ROOT))) {
      String artifact = text(root, "artifactType");
      throw new ImageFetchException(ErrorReason.INVALID, "not a container image: an artifact of type "
          + ExternalText.registryField(artifact != null ? artifact : configType));
    }
    return new Image(configDigest, compressedSize(root.path("layers")));
  }

  private static long compressedSize(JsonNode layers) {
    if (!layers.isArray()) {
      return ImageFacts.UNKNOWN;
    }
    long sum = 0;
    for (JsonNode layer : layers) {
      JsonNode size = layer.path("size");
      if (!size.canConvertToLong() || size.asLong() < 0) {
        return ImageFacts.UNKNOWN;
      }
      sum += size.asLong();
    }
    return sum;
  }

  private static List<IndexEntry> entries(JsonNode manifests) throws ImageFetchException {
    if (!manifests.isArray()) {
      throw new ImageFetchException(ErrorReason.INVALID, "invalid image index: no manifests");
    }
    List<IndexEntry> entries = new ArrayList<>();
    for (JsonNode entry : manifests) {
      Digest digest = entry.isObject() ? digest(entry) : null;
      if (digest == null) {
        throw new ImageFetchException(ErrorReason.INVALID, "invalid image index: an entry has no valid digest");
      }
      JsonNode platform = entry.path("platform");
      Map<String, String> annotations = new LinkedHashMap<>();
      entry.path("annotations").fields().forEachRemaining(field -> {
        if (field.getValue().isValueNode()) {
          annotations.put(field.getKey(), field.getValue().asText());
        }
      });
      entries.add(new IndexEntry(digest, text(platform, "os"), text(platform, "architecture"), text(platform, "variant"), annotations));
    }
    return entries;
  }

  /** {@code Set.contains} that allows null (immutable sets throw on it). */
  private static boolean in(Set<String> types, String mediaType) {
    return mediaType != null && types.contains(mediaType);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
  }

  /** The descriptor's {@code digest}, or null when it has none that is valid. */
  private static Digest digest(JsonNode descriptor) {
    return Digest.tryParse(text(descriptor, "digest")).orElse(null);
  }
}
