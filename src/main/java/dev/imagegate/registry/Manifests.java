package dev.imagegate.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.text.ExternalText;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads manifests and image indexes leniently: only the fields imagegate needs are looked at, so
 * whatever else a registry or a newer spec puts in (OCI 1.1 {@code artifactType}, {@code subject},
 * {@code data}, {@code urls}, annotations of any shape) never makes a real image unreadable.
 * Also computes and checks content digests.
 */
final class Manifests {
  static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
  static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
  static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  private static final Set<String> INDEX_TYPES = Set.of(DistributionClient.OCI_INDEX, DistributionClient.DOCKER_LIST);
  private static final Set<String> IMAGE_TYPES = Set.of(DistributionClient.OCI_MANIFEST, DistributionClient.DOCKER_MANIFEST);
  private static final Set<String> CONFIG_TYPES = Set.of(DOCKER_CONFIG, OCI_CONFIG);
  private static final Pattern DIGEST = Pattern.compile("(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A parsed manifest: an image manifest or an index. */
  sealed interface Parsed permits Image, Index {}

  /**
   * A single-platform image manifest: its config blob, and what its layers weigh.
   *
   * @param compressedSize the sum of the layers' {@code size} (what a pull downloads), or
   *     {@link ImageFacts#UNKNOWN} when a layer states none
   */
  record Image(String configDigest, long compressedSize) implements Parsed {}

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
    String configDigest = text(config, "digest");
    if (configDigest == null || !DIGEST.matcher(configDigest).matches()) {
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
      String digest = entry.isObject() ? text(entry, "digest") : null;
      if (digest == null || !DIGEST.matcher(digest).matches()) {
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

  /** Whether {@code text} is a digest imagegate can check ({@code sha256:…} or {@code sha512:…}). */
  static boolean isDigest(String text) {
    return text != null && DIGEST.matcher(text).matches();
  }

  /** {@code sha256:<hex>} of the bytes. */
  static String sha256(byte[] bytes) {
    return digest("sha256", bytes);
  }

  /** The digest of the bytes with the algorithm of {@code expected}, compared to it. */
  static boolean matches(String expected, byte[] bytes) {
    int colon = expected.indexOf(':');
    if (colon < 0) {
      return false;
    }
    String algorithm = expected.substring(0, colon);
    if (!algorithm.equals("sha256") && !algorithm.equals("sha512")) {
      return false;
    }
    return MessageDigest.isEqual(digest(algorithm, bytes).getBytes(), expected.getBytes());
  }

  private static String digest(String algorithm, byte[] bytes) {
    try {
      String jca = algorithm.equals("sha512") ? "SHA-512" : "SHA-256";
      return algorithm + ":" + HexFormat.of().formatHex(MessageDigest.getInstance(jca).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
