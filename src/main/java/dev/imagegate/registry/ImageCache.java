package dev.imagegate.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.imagegate.config.CacheSettings;
import dev.imagegate.image.Digest;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.image.Qualifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry caches.
 *
 * <ul>
 *   <li><b>images</b>: manifest digest → what it says (a single image's facts, or an index's
 *       children). Content-addressed, hence immutable and the same for everyone: never expires,
 *       the least used go first beyond {@code cache.maxImages}.
 *   <li><b>children</b>: an index child's manifest digest → its facts, read when a pod's platforms
 *       first need them; immutable too, at most {@code cache.maxImages}.
 *   <li><b>tags</b>: (registry, repository, tag, principal) → manifest digest and when it was
 *       learnt. Trusted for {@code cache.tagTtl}; after that it is stale and checked with a
 *       {@code HEAD} (one request, no pull counted) before the cached facts are used again.
 *       At most {@code cache.maxTags}.
 *   <li><b>access</b>: (registry, repository, principal) that was let in, and when; trusted for
 *       {@code cache.tagTtl}.
 *   <li><b>errors</b>: failed fetches, for {@code cache.errorTtl} (0 keeps none).
 * </ul>
 *
 * <p>Access is per principal (anonymous, or one credential): a pod gets a cached answer only if
 * the registry let in anonymous callers, or one of the pod's own credentials, for that repository
 * within {@code tagTtl}. So a pod without access to a private image learns nothing about it from
 * another pod's fetch: its tag is resolved, or its access to a digest checked, with its own
 * credentials (see docs/registry.md, "Whose credentials, whose cache").
 *
 * <p>A tag's digest or a repository's access past {@code tagTtl} but confirmed within
 * {@code cache.staleIfError} comes with the look-up as {@link Stale} facts: what the pod may be
 * judged on if the re-check fails for a transient reason. Ages are read from the {@link Ticker}
 * (the system's, or a test's).
 *
 * <p>Under images and children, a {@link DiskCache} (the CLI's; none for the webhook): a digest
 * missing in memory is looked up there, and what the registry newly says of a digest is written
 * there. With it, a tag missing in memory is asked with a {@code HEAD} first: its digest's facts may
 * be on disk.
 */
final class ImageCache {
  /**
   * A tag of a repository in a registry, as resolved by one principal. The tag's name, not its
   * {@link Qualifier.Tag}: one object less for each of up to {@code cache.maxTags} entries.
   */
  record TagKey(String registry, String repository, String tag, String principal) {}

  /** A repository of a registry, as reached by one principal. */
  record AccessKey(String registry, String repository, String principal) {}

  /**
   * What a tag pointed to, when that was learnt and as whom; whether an admission used it since,
   * and the last failure of a background re-check. Replaced, never changed, by a new resolution.
   */
  static final class TagEntry {
    final TagKey key;
    final Digest digest;
    final long resolvedAtNanos;
    /** Whom the registry let in: the background refresh asks as the same principal. */
    final Principal principal;
    private volatile boolean used;
    private volatile FailedRecheck failure;

    TagEntry(TagKey key, Digest digest, long resolvedAtNanos, Principal principal) {
      this.key = key;
      this.digest = digest;
      this.resolvedAtNanos = resolvedAtNanos;
      this.principal = principal;
    }

    void markUsed() {
      if (!used) { // read first: a hot tag is looked up by every admission, a write each time would cost
        used = true;
      }
    }

    /** Whether it was used since the last call; resets the mark. */
    boolean takeUsed() {
      boolean was = used;
      used = false;
      return was;
    }

    @Override
    public String toString() {
      return "TagEntry[" + key.registry() + "/" + key.repository() + ":" + key.tag() + " -> " + digest + "]";
    }
  }

  /** A background re-check of a tag that failed, and when. */
  private record FailedRecheck(ImageFetchException failure, long atNanos) {}

  /**
   * Facts confirmed earlier, within {@code cache.staleIfError}: what to judge on when the re-check
   * fails for a transient reason.
   *
   * @param age since the registry last confirmed them
   * @param entry the tag entry they come from (null for a digest reference)
   * @param knownFailure the failure of a background re-check of that tag that is still remembered
   *     (within {@code errorTtl} plus the time the next re-check takes), or null
   * @param reader the principal the registry last let in (an index's children are read as it)
   */
  record Stale(FetchedImage image, Duration age, TagEntry entry, ImageFetchException knownFailure, Principal reader) {}

  /**
   * The outcome of a look-up: a hit, or what to ask the registry for.
   *
   * @param qualifier the tag or digest to fetch
   * @param headFirst ask with a {@code HEAD} first: the answer may already be cached (a stale tag,
   *     or a cached digest this pod's access to is not yet known)
   * @param stale facts to fall back on when the registry cannot be asked, or null
   * @param reader with a hit: the principal the registry let in (an index's children are read as it)
   */
  record Lookup(FetchedImage hit, Qualifier qualifier, boolean headFirst, Stale stale, Principal reader) {
    static Lookup hit(FetchedImage image, Principal reader) {
      return new Lookup(image, null, false, null, reader);
    }

    static Lookup fetch(Qualifier qualifier, boolean headFirst, Stale stale) {
      return new Lookup(null, qualifier, headFirst, stale, null);
    }
  }

  private final Cache<Digest, FetchedImage> images;
  private final Cache<Digest, ImageFacts> children;
  private final Cache<TagKey, TagEntry> tags;
  /** When the registry last let the principal in. */
  private final Cache<AccessKey, Long> access;
  private final Cache<Object, ImageFetchException> errors;
  // Volatile: a reloaded configuration retunes them (retune); each read takes whichever is in force.
  private volatile long tagTtlNanos;
  private volatile long staleIfErrorNanos;
  private volatile long failureMemoryNanos;
  private final Ticker ticker;
  private final RegistryMetrics metrics;
  private final DiskCache disk;

  ImageCache(CacheSettings settings, RegistryMetrics metrics, Ticker ticker, Duration recheckTimeout) {
    this(settings, metrics, ticker, recheckTimeout, DiskCache.NONE);
  }

  /**
   * @param recheckTimeout the most a background re-check takes ({@code registries.timeout}): its
   *     failure is remembered for {@code errorTtl} plus this, until the next re-check has answered
   */
  ImageCache(CacheSettings settings, RegistryMetrics metrics, Ticker ticker, Duration recheckTimeout, DiskCache disk) {
    this.images = Caffeine.newBuilder().maximumSize(settings.maxImages()).executor(Runnable::run).build();
    this.children = Caffeine.newBuilder().maximumSize(settings.maxImages()).executor(Runnable::run).build();
    this.tags = Caffeine.newBuilder().maximumSize(settings.maxTags()).executor(Runnable::run).build();
    this.access = Caffeine.newBuilder().maximumSize(settings.maxTags()).expireAfterWrite(accessLife(settings)).ticker(ticker)
        .executor(Runnable::run).build();
    this.errors = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(settings.errorTtl()).ticker(ticker)
        .executor(Runnable::run).build();
    this.ticker = ticker;
    this.metrics = metrics;
    this.disk = disk;
    retune(settings, recheckTimeout);
  }

  /**
   * Takes the sizes and lifetimes of a reloaded configuration: what is cached stays, judged by the
   * new lifetimes from now on; a smaller size evicts the least used.
   */
  void retune(CacheSettings settings, Duration recheckTimeout) {
    images.policy().eviction().ifPresent(eviction -> eviction.setMaximum(settings.maxImages()));
    children.policy().eviction().ifPresent(eviction -> eviction.setMaximum(settings.maxImages()));
    tags.policy().eviction().ifPresent(eviction -> eviction.setMaximum(settings.maxTags()));
    access.policy().eviction().ifPresent(eviction -> eviction.setMaximum(settings.maxTags()));
    access.policy().expireAfterWrite().ifPresent(expiry -> expiry.setExpiresAfter(accessLife(settings)));
    errors.policy().expireAfterWrite().ifPresent(expiry -> expiry.setExpiresAfter(settings.errorTtl()));
    this.tagTtlNanos = settings.tagTtl().toNanos();
    this.staleIfErrorNanos = settings.staleIfError().toNanos();
    this.failureMemoryNanos = settings.errorTtl().isZero() ? 0 : settings.errorTtl().plus(recheckTimeout).toNanos();
  }

  /** Forgets every remembered failure: the next look-up asks the registry. */
  void forgetErrors() {
    errors.invalidateAll();
  }

  /** How long a principal's access is remembered: as long as it may decide, fresh or stale. */
  private static Duration accessLife(CacheSettings settings) {
    return settings.staleIfError().compareTo(settings.tagTtl()) > 0 ? settings.staleIfError() : settings.tagTtl();
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
    long now = ticker.read();
    Qualifier qualifier = ref.qualifier();
    if (qualifier instanceof Digest digest) {
      FetchedImage image = counted ? facts(digest) : stored(digest);
      if (image == null) {
        return Lookup.fetch(digest, false, null);
      }
      long newest = 0;
      Principal newestReader = null;
      for (Principal principal : principals) {
        Long at = access.getIfPresent(new AccessKey(registry, ref.repository(), principal.id()));
        if (at == null) {
          continue;
        }
        if (now - at < tagTtlNanos) {
          return Lookup.hit(image, principal);
        }
        if (newestReader == null || at - newest > 0) {
          newest = at;
          newestReader = principal;
        }
      }
      // cached, but may this pod see it? one HEAD says
      Stale stale = newestReader != null && now - newest < staleIfErrorNanos
          ? new Stale(image, Duration.ofNanos(now - newest), null, null, newestReader) : null;
      return Lookup.fetch(digest, true, stale);
    }
    String tag = ((Qualifier.Tag) qualifier).name();
    TagEntry stale = null;
    for (Principal principal : principals) {
      TagEntry entry = tags.getIfPresent(new TagKey(registry, ref.repository(), tag, principal.id()));
      if (entry == null) {
        continue;
      }
      if (now - entry.resolvedAtNanos < tagTtlNanos) {
        if (counted) {
          metrics.cache(RegistryMetrics.TAG_CACHE, true);
          entry.markUsed();
        }
        FetchedImage image = counted ? facts(entry.digest) : stored(entry.digest);
        return image != null ? Lookup.hit(image, entry.principal) : Lookup.fetch(entry.digest, false, null);
      }
      stale = stale == null || entry.resolvedAtNanos - stale.resolvedAtNanos > 0 ? entry : stale;
    }
    if (counted) {
      metrics.cache(RegistryMetrics.TAG_CACHE, false);
    }
    return Lookup.fetch(qualifier, stale != null || disk.enabled(), stale == null ? null : staleFacts(stale, now));
  }

  /** The tag's last resolution as stale facts, if within {@code staleIfError} and its facts are still cached. */
  private Stale staleFacts(TagEntry entry, long now) {
    long age = now - entry.resolvedAtNanos;
    FetchedImage image = age < staleIfErrorNanos ? images.getIfPresent(entry.digest) : null;
    if (image == null) {
      return null;
    }
    FailedRecheck failed = entry.failure;
    ImageFetchException known = failed != null && now - failed.atNanos() < failureMemoryNanos ? failed.failure() : null;
    return new Stale(image, Duration.ofNanos(age), entry, known, entry.principal);
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

  /** What is cached for a manifest digest, or null; counted as an image-cache request. */
  FetchedImage facts(Digest digest) {
    FetchedImage image = stored(digest);
    metrics.cache(RegistryMetrics.IMAGE_CACHE, image != null);
    return image;
  }

  /** What is cached for a manifest digest in memory, else on disk (then kept in memory too), or null. */
  private FetchedImage stored(Digest digest) {
    FetchedImage image = images.getIfPresent(digest);
    if (image == null && disk.enabled()) {
      image = disk.load(digest);
      if (image != null) {
        images.put(digest, image);
      }
    }
    return image;
  }

  /** What is cached for a manifest digest, or null; not counted (background work). */
  FetchedImage peek(Digest digest) {
    return images.getIfPresent(digest);
  }

  /** The facts of an index child, by its manifest digest, or null. */
  ImageFacts child(Digest digest) {
    ImageFacts facts = children.getIfPresent(digest);
    if (facts == null && disk.enabled()) {
      FetchedImage stored = disk.load(digest);
      facts = stored == null || stored.isIndex() ? null : stored.single();
      if (facts != null) {
        children.put(digest, facts);
      }
    }
    return facts;
  }

  /** Keeps an index child's facts read from the registry (on disk too, when it was not there). */
  void storeChild(Digest digest, ImageFacts facts) {
    if (children.asMap().put(digest, facts) == null) {
      disk.save(FetchedImage.image(digest, facts));
    }
  }

  /**
   * Records a fetch made as {@code principal}; the tag is remembered when the reference has no digest.
   *
   * @return the tag's new entry, or null for a digest reference
   */
  TagEntry store(ImageReference ref, Principal principal, FetchedImage image) {
    String registry = RegistryEndpoints.normalize(ref.registry());
    long now = ticker.read();
    if (images.asMap().put(image.manifestDigest(), image) == null) { // read from the registry, not from either cache
      disk.save(image);
    }
    access.put(new AccessKey(registry, ref.repository(), principal.id()), now);
    if (!(ref.qualifier() instanceof Qualifier.Tag tag)) {
      return null;
    }
    TagKey key = new TagKey(registry, ref.repository(), tag.name(), principal.id());
    TagEntry entry = new TagEntry(key, image.manifestDigest(), now, principal);
    tags.put(key, entry);
    return entry;
  }

  /** Whether {@code entry} is still the tag's resolution (not replaced by a newer one, nor evicted). */
  boolean current(TagEntry entry) {
    return tags.getIfPresent(entry.key) == entry;
  }

  /** A background re-check of the entry's tag failed: admissions know it without asking again. */
  void recheckFailed(TagEntry entry, ImageFetchException failure) {
    entry.failure = new FailedRecheck(failure, ticker.read());
  }

  /** A failure remembered for {@code key} within {@code cache.errorTtl}, or null; counted as an error-cache request. */
  ImageFetchException error(Object key) {
    ImageFetchException failure = errors.getIfPresent(key);
    metrics.cache(RegistryMetrics.ERROR_CACHE, failure != null);
    return failure;
  }

  void rememberError(Object key, ImageFetchException failure) {
    errors.put(key, failure);
  }

}
