package dev.imagegate.rules.secrets;

import java.util.List;
import java.util.Optional;

/**
 * Decides whether an environment variable or build argument holds a secret: by the format of its
 * value (any name), else by its name when the value could be a secret at all.
 */
public final class SecretDetector {
  private final KeyAllowList allowList;

  /** @param allowKeys names never reported: exact, case-insensitive, {@code *} globs allowed */
  public SecretDetector(List<String> allowKeys) {
    this.allowList = new KeyAllowList(allowKeys);
  }

  /** What secret {@code entry} holds, as a message says it ({@code an AWS access key id}); empty for none. */
  public Optional<String> detect(EnvEntry entry) {
    if (allowList.allows(entry.key())) {
      return Optional.empty();
    }
    Optional<String> format = credentialFormatIn(entry.value());
    if (format.isPresent() || HarmlessValues.isHarmless(entry.value())) {
      return format;
    }
    return SecretWords.namedBy(entry.key());
  }

  /** Whether {@code text} contains a well-known credential format; used to keep such text out of messages. */
  public boolean containsCredential(String text) {
    return credentialFormatIn(text).isPresent();
  }

  private static Optional<String> credentialFormatIn(String value) {
    return SecretPattern.WELL_KNOWN.stream()
        .filter(pattern -> pattern.foundIn(value))
        .map(SecretPattern::description)
        .findFirst();
  }
}
