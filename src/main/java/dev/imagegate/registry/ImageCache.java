package dev.imagegate.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.imagegate.config.CacheSettings;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry caches.
 *
 * <ul>
 *   <li><b>images</b>: manifest digest → facts. Content-addressed, hence immutable and the same
 *       for everyone: never expires, the least used go first beyond {@code cache.maxImages}.
 *   <li><b>tags</b>: (registry, repository, tag, principal) → manifest digest and when it was
 *       learnt. Trusted for {@code cache.tagTtl}; after that it is stale and checked with a
 *       {@code HEAD} (one request, no pull counted) before the cached facts are used again.
 *       At most {@code cache.maxTags}.
 *   <li><b>access</b>: (registry, repository, principal) that was let in, for {@code cache.tagTtl}.
 *   <li><b>errors</b>: failed fetches, for {@code cache.errorTtl} (0 keeps none).
 * </ul>
 *
 * <p>Access is per principal (anonymous, or one credential): a pod gets a cached answer only if
 * the registry let in anonymous callers, or one of the pod's own credentials, for that repository
 * within {@code tagTtl}. So a pod without access to a private image learns nothing about it from
 * another pod's fetch: its tag is resolved, or its access to a digest checked, with its own
 * credentials (see docs/registry.md, "Whose credentials, whose cache").
 */
final class ImageCache {
  /** A tag of a repository in a registry, as resolved by one principal. */
  record TagKey(String registry, String repository, String tag, String principal) {}

  /** A repository of a registry, as reached by one principal. */
  record AccessKey(String registry, String repository, String principal) {}

  /** What a tag pointed to, and when that was learnt. */
  record TagEntry(String digest, long resolvedAtNanos) {}

  /**
   * The outcome of a look-up: a hit, or what to ask the registry for.
   *
   * @param qualifier the tag or digest to fetch
   * @param headFirst ask with a {@code HEAD} first: the answer may already be cached (a stale tag,
   *     or a cached digest this pod's access to is not yet known)
   */
  record Lookup(FetchedImage hit, String qualifier, boolean headFirst) {
    static Lookup hit(FetchedImage image) {
      return new Lookup(image, null, false);
    }
  }

  private final Cache<String, List<ImageFacts>> images;
  private final Cache<TagKey, TagEntry> tags;
  private final Cache<AccessKey, Boolean> access;
  private final Cache<Object, FetchErrors.Classified> errors;
  private final long tagTtlNanos;
  private final RegistryMetrics metrics;

  ImageCache(CacheSettings settings, RegistryMetrics metrics) {
    this.images = Caffeine.newBuilder().maximumSize(settings.maxImages()).executor(Runnable::run).build();
    this.tags = Caffeine.newBuilder().maximumSize(settings.maxTags()).executor(Runnable::run).build();
    this.access = Caffeine.newBuilder().maximumSize(settings.maxTags()).expireAfterWrite(settings.tagTtl()).executor(Runnable::run).build();
    this.errors = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(settings.errorTtl()).executor(Runnable::run).build();
    this.tagTtlNanos = settings.tagTtl().toNanos();
    this.metrics = metrics;
  }

  /**
   * A cached answer for the reference on behalf of {@code candidates} (the pod's credentials, in
   * order), or what to fetch.
   */
  Lookup lookup(ImageReference ref, List<Principal> candidates) {
    return lookup(ref, candidates, true);
  }

  /** The same look-up, not counted in the cache metrics: for re-checks inside one request. */
  Lookup recheck(ImageReference ref, List<Principal> candidates) {
    return lookup(ref, candidates, false);
  }

  private Lookup lookup(ImageReference ref, List<Principal> candidates, boolean counted) {
    String registry = RegistryEndpoints.normalize(ref.registry());
    List<Principal> principals = withAnonymous(candidates);
    String digest = ref.digest();
    if (digest != null) {
      List<ImageFacts> facts = counted ? facts(digest) : images.getIfPresent(digest);
      if (facts == null) {
        return new Lookup(null, digest, false);
      }
      for (Principal principal : principals) {
        if (access.getIfPresent(new AccessKey(registry, ref.repository(), principal.id())) != null) {
          return Lookup.hit(new FetchedImage(digest, facts));
        }
      }
      return new Lookup(null, digest, true); // cached, but may this pod see it? one HEAD says
    }
    String tag = ImageNames.qualifier(ref);
    TagEntry stale = null;
    long now = System.nanoTime();
    for (Principal principal : principals) {
      TagEntry entry = tags.getIfPresent(new TagKey(registry, ref.repository(), tag, principal.id()));
      if (entry == null) {
        continue;
      }
      if (now - entry.resolvedAtNanos() < tagTtlNanos) {
        if (counted) {
          metrics.cache(RegistryMetrics.TAG_CACHE, true);
        }
        List<ImageFacts> facts = counted ? facts(entry.digest()) : images.getIfPresent(entry.digest());
        return facts != null ? Lookup.hit(new FetchedImage(entry.digest(), facts)) : new Lookup(null, entry.digest(), false);
      }
      stale = entry;
    }
    if (counted) {
      metrics.cache(RegistryMetrics.TAG_CACHE, false);
    }
    return new Lookup(null, tag, stale != null);
  }

  private static List<Principal> withAnonymous(List<Principal> candidates) {
    if (candidates.contains(Principal.ANONYMOUS)) {
      return candidates;
    }
    List<Principal> all = new ArrayList<>(candidates.size() + 1);
    all.add(Principal.ANONYMOUS);
    all.addAll(candidates);
    return all;
  }

  /** Facts cached for a manifest digest, or null; counted as an image-cache request. */
  List<ImageFacts> facts(String digest) {
    List<ImageFacts> facts = images.getIfPresent(digest);
    metrics.cache(RegistryMetrics.IMAGE_CACHE, facts != null);
    return facts;
  }

  /** Records a fetch made as {@code principal}; the tag is remembered when the reference has no digest. */
  void store(ImageReference ref, Principal principal, FetchedImage image) {
    String registry = RegistryEndpoints.normalize(ref.registry());
    images.put(image.manifestDigest(), image.platforms());
    access.put(new AccessKey(registry, ref.repository(), principal.id()), Boolean.TRUE);
    if (ref.digest() == null) {
      tags.put(new TagKey(registry, ref.repository(), ImageNames.qualifier(ref), principal.id()), new TagEntry(image.manifestDigest(), System.nanoTime()));
    }
  }

  /** A failure remembered for {@code key} within {@code cache.errorTtl}, or null; counted as an error-cache request. */
  FetchErrors.Classified error(Object key) {
    FetchErrors.Classified failure = errors.getIfPresent(key);
    metrics.cache(RegistryMetrics.ERROR_CACHE, failure != null);
    return failure;
  }

  void rememberError(Object key, FetchErrors.Classified failure) {
    errors.put(key, failure);
  }

}
