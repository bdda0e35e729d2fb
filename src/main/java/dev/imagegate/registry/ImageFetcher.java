package dev.imagegate.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagegate.image.Digest;
import dev.imagegate.image.ImageConfigParser;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.image.Qualifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * Reads images from their registry, synchronously (on a registry thread), every request bounded by
 * the fetch's deadline: {@link #fetch} reads the manifest a reference points to (by digest or tag,
 * or first only its digest with a {@code HEAD} when the answer may be cached) and, for a
 * single-platform image, its config, parsed into {@link ImageFacts}; for an image index, only the
 * index: {@link #child} reads a child's manifest and config when a pod's platforms need it.
 */
final class ImageFetcher {
  /** A fetched image, and the principal the registry let in. */
  record Result(FetchedImage image, Principal principal) {}

  private final DistributionClient client;
  private final int maxRetries;

  ImageFetcher(DistributionClient client, int maxRetries) {
    this.client = client;
    this.maxRetries = maxRetries;
  }

  /**
   * @param candidates the credentials to try, in order; the next is tried only when the registry
   *     refuses the previous one (as the kubelet does)
   * @param qualifier the tag or digest to ask for
   * @param headFirst ask for the digest with a {@code HEAD} first, and stop there if its facts are known
   * @param known what is already known for a manifest digest (null if nothing)
   */
  Result fetch(ImageReference ref, RegistryEndpoint endpoint, List<Principal> candidates, Qualifier qualifier, boolean headFirst,
      Deadline deadline, Function<Digest, FetchedImage> known) throws IOException, ImageFetchException {
    RetryBudget retries = new RetryBudget(maxRetries);
    ImageFetchException refused = null;
    for (Principal principal : candidates) {
      FetchContext ctx = new FetchContext(ref.registry(), endpoint, ref.repository(), principal, deadline, retries);
      try {
        return new Result(fetchAs(ctx, qualifier, headFirst, known), principal);
      } catch (ImageFetchException e) {
        if (e.reason() != ErrorReason.UNAUTHORIZED) {
          throw e;
        }
        refused = e;
      }
    }
    throw refused;
  }

  /** The facts of one child of an image index: its manifest, then its config, as {@code reader}. */
  ImageFacts child(ImageReference ref, RegistryEndpoint endpoint, Principal reader, IndexEntry entry, Deadline deadline)
      throws IOException, ImageFetchException {
    FetchContext ctx = new FetchContext(ref.registry(), endpoint, ref.repository(), reader, deadline, new RetryBudget(maxRetries));
    RegistryHttp.Response response = manifest(ctx, entry.digest());
    if (!entry.digest().matches(response.body())) {
      throw new ImageFetchException(ErrorReason.INVALID, "the registry answered with a manifest whose digest is not " + entry.digest());
    }
    Manifests.Parsed parsed = Manifests.parse(response.body(), response.header("Content-Type"));
    if (!(parsed instanceof Manifests.Image image)) {
      throw new ImageFetchException(ErrorReason.INVALID, "image index entry " + entry.digest() + " is not an image manifest");
    }
    return facts(ctx, image, entry);
  }

  private FetchedImage fetchAs(FetchContext ctx, Qualifier qualifier, boolean headFirst, Function<Digest, FetchedImage> known)
      throws IOException, ImageFetchException {
    Qualifier ask = qualifier;
    if (headFirst) {
      RegistryHttp.Response head = client.headManifest(ctx, qualifier);
      if (success(head.status())) {
        Digest digest = qualifier instanceof Digest pinned ? pinned : Digest.tryParse(head.header("Docker-Content-Digest")).orElse(null);
        if (digest != null) {
          FetchedImage cached = known.apply(digest);
          if (cached != null) {
            return cached;
          }
          ask = digest; // the tag cannot move between this HEAD and the GET
        }
      } else if (!fallBackToGet(head.status())) {
        throw problem(head);
      }
    }
    RegistryHttp.Response top = manifest(ctx, ask);
    byte[] body = top.body();
    Digest digest;
    if (ask instanceof Digest pinned) {
      if (!pinned.matches(body)) {
        throw new ImageFetchException(ErrorReason.INVALID, "the registry answered with a manifest whose digest is not " + pinned);
      }
      digest = pinned;
    } else {
      digest = Digest.sha256(body);
    }
    FetchedImage cached = known.apply(digest);
    if (cached != null) {
      return cached;
    }
    Manifests.Parsed parsed = Manifests.parse(body, top.header("Content-Type"));
    if (parsed instanceof Manifests.Image image) {
      return FetchedImage.image(digest, facts(ctx, image, null));
    }
    return FetchedImage.index(digest, PlatformSelector.select(((Manifests.Index) parsed).entries()));
  }

  private RegistryHttp.Response manifest(FetchContext ctx, Qualifier reference) throws IOException, ImageFetchException {
    RegistryHttp.Response response;
    try {
      response = client.getManifest(ctx, reference);
    } catch (LimitedBodySubscriber.ResponseTooLargeException e) {
      throw new ImageFetchException(ErrorReason.INVALID, "manifest larger than " + mib(e.limit()) + " (the OCI distribution spec's limit)");
    }
    if (!success(response.status())) {
      throw problem(response);
    }
    return response;
  }

  /** The facts of {@code image}'s config, with the size of its layers. */
  private ImageFacts facts(FetchContext ctx, Manifests.Image image, IndexEntry entry) throws IOException, ImageFetchException {
    Digest configDigest = image.configDigest();
    RegistryHttp.Response response;
    try {
      response = client.getBlob(ctx, configDigest);
    } catch (LimitedBodySubscriber.ResponseTooLargeException e) {
      throw new ImageFetchException(ErrorReason.INVALID, "image config larger than " + mib(e.limit()));
    }
    if (!success(response.status())) {
      throw problem(response);
    }
    byte[] config = response.body();
    if (!configDigest.matches(config)) {
      throw new ImageFetchException(ErrorReason.INVALID, "the registry sent a config blob whose digest does not match " + configDigest);
    }
    JsonNode root;
    try {
      root = ImageConfigParser.read(config);
    } catch (IOException e) {
      throw new ImageFetchException(ErrorReason.INVALID, "invalid image config " + configDigest + ": not a JSON object");
    }
    return ImageConfigParser.parse(platformOf(root, entry), configDigest.toString(), root).withCompressedSize(image.compressedSize());
  }

  private static boolean success(int status) {
    return status >= 200 && status < 300;
  }

  /** A HEAD that was not answered usefully (not found, not allowed…): the GET tells properly why. */
  private static boolean fallBackToGet(int status) {
    return status >= 400 && status < 500 && status != 401 && status != 403 && status != 429;
  }

  private static ImageFetchException problem(RegistryHttp.Response response) {
    String body = response.body().length == 0 ? null : new String(response.body(), StandardCharsets.UTF_8);
    return FetchErrors.byStatus(response.status(), body, RetryBudget.retryAfter(response.header("Retry-After")));
  }

  private static String mib(int bytes) {
    return bytes / (1024 * 1024) + " MiB";
  }

  /**
   * {@code os/architecture[/variant]}: from the config, which carries the variant; the index
   * entry's platform when the config names none or another.
   */
  static String platformOf(JsonNode config, IndexEntry entry) {
    String os = text(config, "os");
    String architecture = text(config, "architecture");
    String variant = text(config, "variant");
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
