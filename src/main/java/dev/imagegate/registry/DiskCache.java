package dev.imagegate.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegate.image.Digest;
import dev.imagegate.image.ImageFacts;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * What manifest digests say, kept on disk between runs of {@code imagegate check} (docs/cli.md,
 * "Disk cache"): under the in-memory caches, keyed by digest only (a tag is resolved afresh every
 * run). One file per digest, {@code DIR/v1/sha256/HEX.json}: a single image's facts (with
 * stand-ins for every value a secret could be in, from the {@code seal} it is given), or an index's
 * children. Never fails a check: a file that is unreadable, corrupt, of another format or older than
 * the ttl is a miss (and is replaced by the next fetch); files are written whole, to a temporary
 * file moved into place, so runs sharing the directory never read half a file; a directory that
 * cannot be written is one warning and no cache.
 */
public final class DiskCache {
  /** The format of the files; a new format goes to a new directory and ignores the old one. */
  static final int FORMAT = 1;
  static final String FORMAT_DIR = "v" + FORMAT;
  /** No disk cache: the webhook, {@code --no-cache}, {@code --offline}. */
  public static final DiskCache NONE = new DiskCache(null, Duration.ZERO, facts -> Optional.empty(), message -> {}, Clock.systemUTC());

  private static final Logger LOG = Logger.getLogger(DiskCache.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final Duration ttl;
  private final Function<ImageFacts, Optional<ImageFacts>> seal;
  private final Consumer<String> warn;
  private final Clock clock;
  private final AtomicBoolean writable = new AtomicBoolean(true);

  private DiskCache(Path root, Duration ttl, Function<ImageFacts, Optional<ImageFacts>> seal, Consumer<String> warn, Clock clock) {
    this.root = root;
    this.ttl = ttl;
    this.seal = seal;
    this.warn = warn;
    this.clock = clock;
  }

  /**
   * The cache in {@code dir} (created if need be), or {@link #NONE} after one warning when it
   * cannot be written.
   *
   * @param ttl entries older than this are read again from the registry
   * @param seal the facts as they may be written (stand-ins for values), or empty: not written
   * @param warn says, once, why the cache is not used or no longer written
   */
  public static DiskCache open(Path dir, Duration ttl, Function<ImageFacts, Optional<ImageFacts>> seal, Consumer<String> warn,
      Clock clock) {
    Path root = dir.resolve(FORMAT_DIR);
    try {
      Files.createDirectories(root);
      Files.delete(Files.createTempFile(root, "probe", ".tmp"));
    } catch (IOException | RuntimeException e) {
      warn.accept("cannot write the image cache in " + dir + " (" + describe(e) + "): running without it");
      return NONE;
    }
    return new DiskCache(root, ttl, seal, warn, clock);
  }

  boolean enabled() {
    return root != null;
  }

  /** What {@code digest} says, as stored within the ttl; null when nothing usable is stored. */
  FetchedImage load(Digest digest) {
    if (root == null) {
      return null;
    }
    Path file = file(digest);
    try {
      JsonNode stored = JSON.readTree(Files.readAllBytes(file));
      if (stored.path("format").asInt() != FORMAT || !digest.toString().equals(stored.path("digest").asText())) {
        return null;
      }
      long storedAt = stored.path("storedAt").asLong(-1);
      if (storedAt < 0 || clock.millis() - storedAt > ttl.toMillis()) { // a little in the future: another runner's clock
        return null;
      }
      return stored.has("index") ? FetchedImage.index(digest, entries(stored.path("index"))) : FetchedImage.image(digest, facts(stored.path("image")));
    } catch (IOException | RuntimeException e) { // absent, unreadable or corrupt: a miss, replaced by the next fetch
      if (!(e instanceof java.nio.file.NoSuchFileException) && LOG.isDebugEnabled()) {
        LOG.debugf("ignoring the cached %s: %s", file, describe(e));
      }
      return null;
    }
  }

  /** Keeps what {@code image} says, a single image's facts with stand-ins (or not at all, when there can be none). */
  void save(FetchedImage image) {
    if (root == null || !writable.get()) {
      return;
    }
    ObjectNode stored = JSON.createObjectNode()
        .put("format", FORMAT)
        .put("digest", image.manifestDigest().toString())
        .put("storedAt", clock.millis());
    if (image.isIndex()) {
      ArrayNode entries = stored.putArray("index");
      image.children().forEach(entry -> entries.add(json(entry)));
    } else {
      Optional<ImageFacts> sealed = seal.apply(image.single());
      if (sealed.isEmpty()) {
        LOG.debugf("not caching %s on disk: its facts have no stand-ins the rules judge alike", image.manifestDigest());
        return;
      }
      stored.set("image", json(sealed.get()));
    }
    write(file(image.manifestDigest()), stored);
  }

  private void write(Path file, ObjectNode stored) {
    Path temporary = null;
    try {
      Files.createDirectories(file.getParent());
      temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      Files.write(temporary, JSON.writeValueAsBytes(stored));
      try {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temporary);
      if (writable.getAndSet(false)) {
        warn.accept("cannot write the image cache in " + root.getParent() + " (" + describe(e) + "): not writing it any more in this run");
      }
    }
  }

  private Path file(Digest digest) {
    return root.resolve(digest.algorithm()).resolve(digest.hex() + ".json");
  }

  private static ObjectNode json(ImageFacts facts) {
    ObjectNode node = JSON.createObjectNode()
        .put("platform", facts.platform())
        .put("configDigest", facts.configDigest())
        .put("user", facts.user());
    if (facts.healthcheckTest() != null) {
      strings(node.putArray("healthcheck"), facts.healthcheckTest());
    }
    strings(node.putArray("env"), facts.env());
    strings(node.putArray("history"), facts.history());
    node.put("envOmitted", facts.envOmitted()).put("historyOmitted", facts.historyOmitted()).put("osVersion", facts.osVersion());
    strings(node.putArray("exposedPorts"), facts.exposedPorts());
    return node.put("compressedSize", facts.compressedSize()).put("baseSteps", facts.baseSteps());
  }

  private static ImageFacts facts(JsonNode node) throws IOException {
    if (!node.isObject() || !node.path("platform").isTextual() || !node.path("env").isArray() || !node.path("history").isArray()) {
      throw new IOException("not image facts");
    }
    return new ImageFacts(node.path("platform").asText(), node.path("configDigest").asText(null), node.path("user").asText(""),
        node.has("healthcheck") ? strings(node.path("healthcheck")) : null, strings(node.path("env")), strings(node.path("history")),
        node.path("envOmitted").asInt(), node.path("historyOmitted").asInt(), node.path("osVersion").asText(null),
        strings(node.path("exposedPorts")), node.path("compressedSize").asLong(ImageFacts.UNKNOWN),
        node.path("baseSteps").asInt(ImageFacts.UNKNOWN));
  }

  private static ObjectNode json(IndexEntry entry) {
    ObjectNode node = JSON.createObjectNode()
        .put("digest", entry.digest().toString()).put("os", entry.os()).put("architecture", entry.architecture()).put("variant", entry.variant());
    ObjectNode annotations = node.putObject("annotations");
    entry.annotations().forEach(annotations::put);
    return node;
  }

  private static List<IndexEntry> entries(JsonNode array) throws IOException {
    if (!array.isArray()) {
      throw new IOException("not index entries");
    }
    List<IndexEntry> entries = new ArrayList<>();
    for (JsonNode node : array) {
      Map<String, String> annotations = new LinkedHashMap<>();
      node.path("annotations").fields().forEachRemaining(field -> annotations.put(field.getKey(), field.getValue().asText()));
      entries.add(new IndexEntry(Digest.parse(node.path("digest").asText()), node.path("os").asText(null),
          node.path("architecture").asText(null), node.path("variant").asText(null), annotations));
    }
    return entries;
  }

  private static void strings(ArrayNode into, List<String> values) {
    values.forEach(into::add);
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>(array.size());
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static void deleteQuietly(Path file) {
    try {
      if (file != null) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // a stray temporary file is never read: it does not end in .json
    }
  }

  private static String describe(Exception e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
