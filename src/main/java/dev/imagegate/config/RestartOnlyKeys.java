package dev.imagegate.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The keys a reloaded configuration cannot change while imagegate runs (docs/deployment.md, "Live
 * configuration"): what is set up once at start (the warm-up and cache pre-warming, the informers of
 * namespace modes and pull secrets, the Events writer, the background audit and its lease, the
 * registry credentials file). A reloaded file keeps the running values of those keys, and each one
 * it changed is named, so that the log says what waits for a restart.
 */
public final class RestartOnlyKeys {
  /**
   * @param config the reloaded configuration with the running values of the restart-only keys
   * @param notApplied one sentence per restart-only key the file changed
   */
  public record Kept(ImagegateConfig config, List<String> notApplied) {}

  private RestartOnlyKeys() {}

  /** {@code loaded} with the restart-only keys of {@code running}, and which of them it changed. */
  public static Kept keep(ImagegateConfig running, ImagegateConfig loaded) {
    List<String> notApplied = new ArrayList<>();
    CacheSettings cache = running.cache();
    CacheSettings newCache = loaded.cache();
    compare(notApplied, "cache.prewarm", cache.prewarm(), newCache.prewarm());
    compare(notApplied, "cache.prewarmBudget", cache.prewarmBudget(), newCache.prewarmBudget());
    compare(notApplied, "warmup.budget", running.warmup().budget(), loaded.warmup().budget());
    compare(notApplied, "namespaceModes.enabled", running.namespaceModes().enabled(), loaded.namespaceModes().enabled());
    compare(notApplied, "events.enabled", running.events().enabled(), loaded.events().enabled());
    compare(notApplied, "events.interval", running.events().interval(), loaded.events().interval());
    AuditSettings audit = running.audit();
    AuditSettings newAudit = loaded.audit();
    compare(notApplied, "audit.enabled", audit.enabled(), newAudit.enabled());
    compare(notApplied, "audit.interval", audit.interval(), newAudit.interval());
    compare(notApplied, "audit.concurrency", audit.concurrency(), newAudit.concurrency());
    compare(notApplied, "audit.leaseName", audit.leaseName(), newAudit.leaseName());
    compare(notApplied, "audit.namespaceSelector", audit.namespaceSelector(), newAudit.namespaceSelector());
    compare(notApplied, "audit.objectSelector", audit.objectSelector(), newAudit.objectSelector());
    compare(notApplied, "audit.reportFormat", audit.reportFormat(), newAudit.reportFormat());
    RegistrySettings registries = running.registries();
    RegistrySettings newRegistries = loaded.registries();
    compare(notApplied, "registries.usePullSecrets", registries.usePullSecrets(), newRegistries.usePullSecrets());
    compare(notApplied, "registries.dockerConfig", registries.dockerConfig(), newRegistries.dockerConfig());
    ImagegateConfig kept = new ImagegateConfig(loaded.mode(), loaded.rules(), loaded.exemptions(),
        new RegistrySettings(newRegistries.mirrors(), newRegistries.insecure(), newRegistries.platforms(), newRegistries.onError(),
            newRegistries.timeout(), registries.dockerConfig(), registries.usePullSecrets(), newRegistries.caBundles(),
            newRegistries.maxConcurrentFetchesPerRegistry(), newRegistries.maxRetries()),
        new CacheSettings(newCache.maxImages(), newCache.maxTags(), newCache.tagTtl(), newCache.errorTtl(), newCache.staleIfError(),
            cache.prewarm(), cache.prewarmBudget()),
        running.namespaceModes(), running.events(), audit, loaded.limits(), running.warmup(), loaded.exceptions(),
        loaded.exceptionsFromAnnotations());
    return new Kept(kept, List.copyOf(notApplied));
  }

  private static void compare(List<String> notApplied, String key, Object running, Object loaded) {
    if (!Objects.equals(running, loaded)) {
      notApplied.add("config key " + key + " changed but needs a restart; still " + shown(running) + " (the file says "
          + shown(loaded) + ")");
    }
  }

  /** As the file would write it: {@code 1h}, {@code 500ms}. */
  private static String shown(Object value) {
    if (value instanceof Duration duration) {
      long millis = duration.toMillis();
      return millis % 3_600_000 == 0 && millis > 0 ? millis / 3_600_000 + "h"
          : millis % 60_000 == 0 && millis > 0 ? millis / 60_000 + "m"
          : millis % 1_000 == 0 ? millis / 1_000 + "s"
          : millis + "ms";
    }
    return value == null ? "unset" : value.toString();
  }
}
