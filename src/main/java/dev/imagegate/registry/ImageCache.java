package dev.imagegate.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.imagegate.config.CacheSettings;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import java.util.List;

/**
 * The two registry caches:
 *
 * <ul>
 *   <li>images: manifest digest → facts. Content-addressed, hence immutable: never expires, the
 *       least used go first beyond {@code cache.maxImages}.
 *   <li>tags: (registry, repository, tag) → manifest digest, trusted for {@code cache.tagTtl},
 *       at most {@code cache.maxTags}.
 * </ul>
 */
final class ImageCache {
  /** A tag of a repository in a registry. */
  record TagKey(String registry, String repository, String tag) {}

  /** The outcome of a look-up: a hit, or what to ask the registry for. */
  record Lookup(FetchedImage hit, String qualifier) {}

  private final Cache<String, List<ImageFacts>> images;
  private final Cache<TagKey, String> tags;
  private final RegistryMetrics metrics;

  ImageCache(CacheSettings settings, RegistryMetrics metrics) {
    this.images = Caffeine.newBuilder().maximumSize(settings.maxImages()).build();
    this.tags = Caffeine.newBuilder().maximumSize(settings.maxTags()).expireAfterWrite(settings.tagTtl()).build();
    this.metrics = metrics;
  }

  /**
   * A cached answer for the reference, or the qualifier to fetch: its digest when written or when
   * the tag's digest is cached (the facts are then all that is missing), else its tag.
   */
  Lookup lookup(ImageReference ref) {
    String digest = ref.digest();
    if (digest == null) {
      digest = tags.getIfPresent(tagKey(ref));
      metrics.cache(RegistryMetrics.TAG_CACHE, digest != null);
      if (digest == null) {
        return new Lookup(null, ImageNames.qualifier(ref));
      }
    }
    List<ImageFacts> facts = facts(digest);
    return facts != null ? new Lookup(new FetchedImage(digest, facts), digest) : new Lookup(null, digest);
  }

  /** Facts cached for a manifest digest, or null; counted as an image-cache request. */
  List<ImageFacts> facts(String digest) {
    List<ImageFacts> facts = images.getIfPresent(digest);
    metrics.cache(RegistryMetrics.IMAGE_CACHE, facts != null);
    return facts;
  }

  /** Records a fetch; a tag is remembered only when the reference was resolved by tag. */
  void store(ImageReference ref, String qualifier, FetchedImage image) {
    images.put(image.manifestDigest(), image.platforms());
    if (ref.digest() == null && qualifier.equals(ImageNames.qualifier(ref))) {
      tags.put(tagKey(ref), image.manifestDigest());
    }
  }

  private static TagKey tagKey(ImageReference ref) {
    return new TagKey(RegistryEndpoints.normalize(ref.registry()), ref.repository(), ImageNames.qualifier(ref));
  }
}
