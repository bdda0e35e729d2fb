package dev.imagegate.rules.secrets;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether an environment variable or build argument holds a secret: by the format of its
 * value (any name), else by its name when the value could be a secret at all.
 */
public final class SecretDetector {
  /** Longer names are judged each time rather than remembered. */
  private static final int MAX_REMEMBERED_NAME = 256;

  private final KeyAllowList allowList;
  /**
   * Performance: what each variable name says (its words), remembered: a pod's env is judged on every
   * admission and the same names come back. Names only, never values; bounded.
   */
  private final Cache<String, Optional<String>> namedBy = Caffeine.newBuilder().maximumSize(10_000).executor(Runnable::run).build();

  /** @param allowKeys names never reported: exact, case-insensitive, {@code *} globs allowed */
  public SecretDetector(List<String> allowKeys) {
    this.allowList = new KeyAllowList(allowKeys);
  }

  /**
   * What secret {@code entry} holds, as a message says it ({@code an AWS access key id}); empty for
   * none. A credential format counts under any name; otherwise the name must say secret and the value
   * must not be harmless (a number, a path, a placeholder…).
   */
  public Optional<String> detect(EnvEntry entry) {
    if (allowList.allows(entry.key())) {
      return Optional.empty();
    }
    Optional<String> format = credentialFormatIn(entry.value());
    if (format.isPresent()) {
      return format;
    }
    Optional<String> named = namedBy(entry.key());
    return named.isPresent() && !HarmlessValues.isHarmless(entry.value()) ? named : Optional.empty();
  }

  private Optional<String> namedBy(String key) {
    return key.length() > MAX_REMEMBERED_NAME ? SecretWords.namedBy(key) : namedBy.get(key, SecretWords::namedBy);
  }

  /** Whether {@code text} contains a well-known credential format; used to keep such text out of messages. */
  public boolean containsCredential(String text) {
    return credentialFormatIn(text).isPresent();
  }

  private static Optional<String> credentialFormatIn(String value) {
    return SecretPattern.firstIn(value).map(SecretPattern::description);
  }
}
