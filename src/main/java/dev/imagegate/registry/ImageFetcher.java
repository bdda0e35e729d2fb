package dev.imagegate.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.image.ImageConfigParser;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Reads one image from its registry, synchronously (on a registry thread): the manifest (by digest
 * or tag, or first only its digest with a {@code HEAD} when the answer may be cached); for an
 * image index, the manifest of each platform a node could run ({@link PlatformSelector}), in parallel; then each config blob, parsed
 * into {@link ImageFacts}. Every request is bounded by the fetch's deadline.
 */
final class ImageFetcher {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A fetched image, and the principal the registry let in. */
  record Result(FetchedImage image, Principal principal) {}

  private final DistributionClient client;
  private final Executor platformPool;
  private final int maxRetries;

  ImageFetcher(DistributionClient client, Executor platformPool, int maxRetries) {
    this.client = client;
    this.platformPool = platformPool;
    this.maxRetries = maxRetries;
  }

  /**
   * @param candidates the credentials to try, in order; the next is tried only when the registry
   *     refuses the previous one (as the kubelet does)
   * @param qualifier the tag or digest to ask for
   * @param headFirst ask for the digest with a {@code HEAD} first, and stop there if its facts are known
   * @param knownFacts facts already known for a manifest digest (null if none)
   */
  Result fetch(ImageReference ref, RegistryEndpoint endpoint, List<Principal> candidates, String qualifier, boolean headFirst,
      Deadline deadline, Function<String, List<ImageFacts>> knownFacts) throws IOException, FetchProblem {
    RetryBudget retries = new RetryBudget(maxRetries);
    FetchProblem refused = null;
    for (Principal principal : candidates) {
      FetchContext ctx = new FetchContext(ref.registry(), endpoint, ref.repository(), principal, deadline, retries);
      try {
        return new Result(fetchAs(ctx, qualifier, headFirst, knownFacts), principal);
      } catch (FetchProblem e) {
        if (e.reason() != ErrorReason.UNAUTHORIZED) {
          throw e;
        }
        refused = e;
      }
    }
    throw refused;
  }

  private FetchedImage fetchAs(FetchContext ctx, String qualifier, boolean headFirst, Function<String, List<ImageFacts>> knownFacts)
      throws IOException, FetchProblem {
    String ask = qualifier;
    if (headFirst) {
      RegistryHttp.Response head = client.headManifest(ctx, qualifier);
      if (success(head.status())) {
        String digest = Manifests.isDigest(qualifier) ? qualifier : head.header("Docker-Content-Digest");
        if (Manifests.isDigest(digest)) {
          List<ImageFacts> known = knownFacts.apply(digest);
          if (known != null) {
            return new FetchedImage(digest, known);
          }
          ask = digest; // the tag cannot move between this HEAD and the GET
        }
      } else if (!fallBackToGet(head.status())) {
        throw problem(head, "manifest");
      }
    }
    RegistryHttp.Response top = manifest(ctx, ask);
    byte[] body = top.body();
    String digest;
    if (Manifests.isDigest(ask)) {
      if (!Manifests.matches(ask, body)) {
        throw new FetchProblem(ErrorReason.INVALID, "the registry answered with a manifest whose digest is not " + ask);
      }
      digest = ask;
    } else {
      digest = Manifests.sha256(body);
    }
    List<ImageFacts> known = knownFacts.apply(digest);
    if (known != null) {
      return new FetchedImage(digest, known);
    }
    Manifests.Parsed parsed = Manifests.parse(body, top.header("Content-Type"));
    if (parsed instanceof Manifests.Image image) {
      return new FetchedImage(digest, List.of(facts(ctx, image.configDigest(), null)));
    }
    List<IndexEntry> chosen = PlatformSelector.select(((Manifests.Index) parsed).entries());
    return new FetchedImage(digest, SharedStrings.across(platformFacts(ctx, chosen)));
  }

  /** The facts of each chosen platform: all fetched at once, each manifest then its config. */
  private List<ImageFacts> platformFacts(FetchContext ctx, List<IndexEntry> chosen) throws IOException, FetchProblem {
    if (chosen.size() <= 1) {
      List<ImageFacts> facts = new ArrayList<>();
      for (IndexEntry entry : chosen) {
        facts.add(platform(ctx, entry));
      }
      return facts;
    }
    List<CompletableFuture<ImageFacts>> others = new ArrayList<>();
    for (IndexEntry entry : chosen.subList(1, chosen.size())) {
      others.add(CompletableFuture.supplyAsync(() -> {
        try {
          return platform(ctx, entry);
        } catch (IOException | FetchProblem e) {
          throw new CompletionException(e);
        }
      }, platformPool));
    }
    List<ImageFacts> facts = new ArrayList<>();
    try {
      facts.add(platform(ctx, chosen.get(0)));
      for (CompletableFuture<ImageFacts> other : others) {
        facts.add(other.get(Math.max(1, ctx.deadline().remaining().toNanos()), TimeUnit.NANOSECONDS));
      }
      return facts;
    } catch (TimeoutException e) {
      throw new HttpTimeoutException("deadline reached while fetching the platforms of an image index");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while fetching the platforms of an image index");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof FetchProblem problem) {
        throw problem;
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException("platform fetch failed", cause);
    } finally {
      others.forEach(f -> f.cancel(false));
    }
  }

  private ImageFacts platform(FetchContext ctx, IndexEntry entry) throws IOException, FetchProblem {
    RegistryHttp.Response response = manifest(ctx, entry.digest());
    if (!Manifests.matches(entry.digest(), response.body())) {
      throw new FetchProblem(ErrorReason.INVALID, "the registry answered with a manifest whose digest is not " + entry.digest());
    }
    Manifests.Parsed parsed = Manifests.parse(response.body(), response.header("Content-Type"));
    if (!(parsed instanceof Manifests.Image image)) {
      throw new FetchProblem(ErrorReason.INVALID, "image index entry " + entry.digest() + " is not an image manifest");
    }
    return facts(ctx, image.configDigest(), entry);
  }

  private RegistryHttp.Response manifest(FetchContext ctx, String reference) throws IOException, FetchProblem {
    RegistryHttp.Response response;
    try {
      response = client.getManifest(ctx, reference);
    } catch (LimitedBodySubscriber.ResponseTooLargeException e) {
      throw new FetchProblem(ErrorReason.INVALID, "manifest larger than " + mib(e.limit()) + " (the OCI distribution spec's limit)");
    }
    if (!success(response.status())) {
      throw problem(response, "manifest");
    }
    return response;
  }

  private ImageFacts facts(FetchContext ctx, String configDigest, IndexEntry entry) throws IOException, FetchProblem {
    RegistryHttp.Response response;
    try {
      response = client.getBlob(ctx, configDigest);
    } catch (LimitedBodySubscriber.ResponseTooLargeException e) {
      throw new FetchProblem(ErrorReason.INVALID, "image config larger than " + mib(e.limit()));
    }
    if (!success(response.status())) {
      throw problem(response, "config");
    }
    byte[] config = response.body();
    if (!Manifests.matches(configDigest, config)) {
      throw new FetchProblem(ErrorReason.INVALID, "the registry sent a config blob whose digest does not match " + configDigest);
    }
    String platform = platformOf(config, entry);
    try {
      return ImageConfigParser.parse(platform, configDigest, config);
    } catch (IOException e) {
      throw new FetchProblem(ErrorReason.INVALID, "invalid image config " + configDigest + ": not a JSON object");
    }
  }

  private static boolean success(int status) {
    return status >= 200 && status < 300;
  }

  /** A HEAD that was not answered usefully (not found, not allowed…): the GET tells properly why. */
  private static boolean fallBackToGet(int status) {
    return status >= 400 && status < 500 && status != 401 && status != 403 && status != 429;
  }

  private static FetchProblem problem(RegistryHttp.Response response, String what) {
    String body = response.body().length == 0 ? null : new String(response.body(), StandardCharsets.UTF_8);
    FetchErrors.Classified failure = FetchErrors.byStatus(response.status(), body, RetryBudget.retryAfter(response.header("Retry-After")));
    return new FetchProblem(failure.reason(), failure.message());
  }

  private static String mib(int bytes) {
    return bytes / (1024 * 1024) + " MiB";
  }

  /**
   * {@code os/architecture[/variant]}: from the config, which carries the variant; the index
   * entry's platform when the config names none or another.
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
