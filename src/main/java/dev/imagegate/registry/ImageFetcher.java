package dev.imagegate.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.image.json.ManifestTemplate;
import com.google.cloud.tools.jib.image.json.OciIndexTemplate;
import com.google.cloud.tools.jib.image.json.V21ManifestTemplate;
import com.google.cloud.tools.jib.image.json.V22ManifestListTemplate;
import com.google.cloud.tools.jib.registry.ManifestAndDigest;
import com.google.cloud.tools.jib.registry.RegistryClient;
import dev.imagegate.image.ImageConfigParser;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads one image from its registry, synchronously: the manifest (by digest or tag); for an image
 * index, the manifest of each chosen platform; then each config blob, parsed into {@link ImageFacts}.
 * Every request goes through a {@link FetchTransport} bounded by the fetch's deadline.
 */
final class ImageFetcher {
  static final String USER_AGENT = "imagegate";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryEndpoints endpoints;
  private final RegistryHttp http;
  private final RegistryCredentials credentials;
  private final AuthChallenges challenges;
  private final PlatformSelector platforms;
  private final Consumer<LogEvent> jibLog;
  private final EventHandlers jibEvents;

  ImageFetcher(
      RegistryEndpoints endpoints,
      RegistryHttp http,
      RegistryCredentials credentials,
      AuthChallenges challenges,
      PlatformSelector platforms,
      Consumer<LogEvent> jibLog) {
    this.endpoints = endpoints;
    this.http = http;
    this.credentials = credentials;
    this.challenges = challenges;
    this.platforms = platforms;
    this.jibLog = jibLog;
    this.jibEvents = EventHandlers.builder().add(LogEvent.class, jibLog::accept).build();
  }

  /**
   * @param qualifier the tag or digest to ask for
   * @param knownFacts facts already known for a manifest digest (null if none): lets a tag whose
   *     digest did not change be answered with one manifest request
   */
  FetchedImage fetch(ImageReference ref, String qualifier, Deadline deadline, Function<String, List<ImageFacts>> knownFacts)
      throws Exception {
    RegistryEndpoint endpoint = endpoints.forRegistry(ref.registry());
    Credential credential = credentials.forHost(endpoint.host()).orElse(null);
    FetchTransport transport = http.newFetch(endpoint, deadline);
    FailoverHttpClient jibHttp = JibHttpClients.create(endpoint.plainHttp(), transport, jibLog);
    try {
      RegistryClient client =
          RegistryClient.factory(jibEvents, endpoint.host(), ref.repository(), jibHttp)
              .setCredential(credential)
              .setUserAgent(USER_AGENT)
              .newRegistryClient();
      RegistrySession session = new RegistrySession(client, endpoint.host(), challenges);
      return fetch(session, qualifier, knownFacts);
    } finally {
      jibHttp.shutDown();
    }
  }

  private FetchedImage fetch(RegistrySession session, String qualifier, Function<String, List<ImageFacts>> knownFacts)
      throws Exception {
    ManifestAndDigest<ManifestTemplate> top = session.call(() -> session.client().pullManifest(qualifier, ManifestTemplate.class));
    String digest = top.getDigest().toString();
    if (qualifier.contains(":") && !qualifier.equals(digest)) {
      throw new FetchProblem(ErrorReason.INVALID, "the registry answered with manifest " + digest + " for " + qualifier);
    }
    List<ImageFacts> known = knownFacts.apply(digest);
    if (known != null) {
      return new FetchedImage(digest, known);
    }
    ManifestTemplate manifest = top.getManifest();
    List<IndexEntry> entries = indexEntries(manifest);
    if (entries == null) {
      return new FetchedImage(digest, List.of(facts(session, manifest, null)));
    }
    List<ImageFacts> facts = new ArrayList<>();
    for (IndexEntry entry : platforms.select(entries)) {
      ManifestAndDigest<ManifestTemplate> platformManifest =
          session.call(() -> session.client().pullManifest(entry.digest(), ManifestTemplate.class));
      if (!platformManifest.getDigest().toString().equals(entry.digest())) {
        throw new FetchProblem(ErrorReason.INVALID, "the registry answered with manifest " + platformManifest.getDigest() + " for " + entry.digest());
      }
      facts.add(facts(session, platformManifest.getManifest(), entry));
    }
    return new FetchedImage(digest, facts);
  }

  /** The entries of an image index or manifest list; null for a single-platform manifest. */
  private static List<IndexEntry> indexEntries(ManifestTemplate manifest) throws FetchProblem {
    List<IndexEntry> entries = new ArrayList<>();
    if (manifest instanceof OciIndexTemplate index) {
      for (OciIndexTemplate.ManifestDescriptorTemplate m : index.getManifests()) {
        var platform = m.getPlatform();
        entries.add(new IndexEntry(
            m.getDigest() == null ? null : m.getDigest().toString(),
            platform == null ? null : platform.getOs(),
            platform == null ? null : platform.getArchitecture(),
            m.getAnnotations()));
      }
    } else if (manifest instanceof V22ManifestListTemplate list) {
      if (list.getManifests() == null) {
        throw new FetchProblem(ErrorReason.INVALID, "invalid manifest list: no manifests");
      }
      for (V22ManifestListTemplate.ManifestDescriptorTemplate m : list.getManifests()) {
        var platform = m.getPlatform();
        entries.add(new IndexEntry(
            m.getDigest(), platform == null ? null : platform.getOs(), platform == null ? null : platform.getArchitecture(), null));
      }
    } else {
      return null;
    }
    for (IndexEntry entry : entries) {
      if (entry.digest() == null) {
        throw new FetchProblem(ErrorReason.INVALID, "invalid image index: an entry has no digest");
      }
    }
    return entries;
  }

  private ImageFacts facts(RegistrySession session, ManifestTemplate manifest, IndexEntry entry) throws Exception {
    if (manifest instanceof V21ManifestTemplate) {
      throw new FetchProblem(ErrorReason.INVALID, "Docker schema 1 manifests are not supported");
    }
    if (!(manifest instanceof BuildableManifestTemplate image)) {
      throw new FetchProblem(ErrorReason.INVALID, "image index entry " + (entry == null ? "" : entry.digest() + " ") + "is not an image manifest");
    }
    if (image.getContainerConfiguration() == null || image.getContainerConfiguration().getDigest() == null) {
      throw new FetchProblem(ErrorReason.INVALID, "invalid manifest: no config");
    }
    DescriptorDigest configDigest = image.getContainerConfiguration().getDigest();
    byte[] config = session.call(() -> pullBlob(session.client(), configDigest));
    String platform = platformOf(config, entry);
    try {
      return ImageConfigParser.parse(platform, configDigest.toString(), config);
    } catch (IOException e) {
      throw new FetchProblem(ErrorReason.INVALID, "invalid image config " + configDigest + ": not a JSON object");
    }
  }

  private static byte[] pullBlob(RegistryClient client, DescriptorDigest digest) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    client.pullBlob(digest, size -> {}, written -> {}).writeTo(bytes);
    return bytes.toByteArray();
  }

  /**
   * {@code os/architecture[/variant]}: from the config, which carries the variant jib-core's index
   * templates drop; the index entry's platform when the config names none.
   */
  static String platformOf(byte[] config, IndexEntry entry) {
    String os = null;
    String architecture = null;
    String variant = null;
    try {
      JsonNode root = JSON.readTree(config);
      if (root != null && root.isObject()) {
        os = text(root, "os");
        architecture = text(root, "architecture");
        variant = text(root, "variant");
      }
    } catch (IOException e) {
      // reported by the config parser
    }
    if (entry != null && (os == null || architecture == null || !entry.platform().equalsIgnoreCase(os + "/" + architecture))) {
      return entry.platform();
    }
    if (os == null || architecture == null) {
      return "unknown";
    }
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }

  private static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    return node != null && node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
  }
}
