package dev.imagegate.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;

/**
 * Bearer tokens, shared by every fetch: one per (token realm, service, scope, principal), kept
 * until shortly before the {@code expires_in} the token service gave (60 s when it gave none, as
 * the distribution token spec says), and at most 10,000 of them. Tokens are never logged; a
 * {@link Token} prints as {@code Token[redacted]}.
 */
final class TokenCache {
  /** Where a token comes from and what it is good for; its principal is a fingerprint, never a secret. */
  record Key(String realm, String service, String scope, String principalId) {}

  /** A bearer token and when to stop using it. */
  record Token(String value, long expiresAtNanos) {
    @Override
    public String toString() {
      return "Token[redacted]";
    }
  }

  static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);

  private final Cache<Key, Token> tokens =
      Caffeine.newBuilder()
          .maximumSize(10_000)
          .expireAfter(new Expiry<Key, Token>() {
            @Override
            public long expireAfterCreate(Key key, Token token, long now) {
              return Math.max(0, token.expiresAtNanos() - System.nanoTime());
            }

            @Override
            public long expireAfterUpdate(Key key, Token token, long now, long current) {
              return expireAfterCreate(key, token, now);
            }

            @Override
            public long expireAfterRead(Key key, Token token, long now, long current) {
              return current;
            }
          })
          .build();

  /** A token still good for at least a moment, or null. */
  Token get(Key key) {
    Token token = tokens.getIfPresent(key);
    return token == null || token.expiresAtNanos() - System.nanoTime() <= 0 ? null : token;
  }

  /**
   * Keeps a token for its lifetime less a margin (a tenth, at most 30 s), so it is not sent just
   * as it expires.
   */
  Token put(Key key, String value, Duration lifetime) {
    Duration life = lifetime == null || lifetime.isNegative() || lifetime.isZero() ? DEFAULT_LIFETIME : lifetime;
    Duration margin = life.dividedBy(10).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : life.dividedBy(10);
    Token token = new Token(value, System.nanoTime() + life.minus(margin).toNanos());
    tokens.put(key, token);
    return token;
  }

  /** Forgets a token the registry refused. */
  void invalidate(Key key, Token token) {
    tokens.asMap().remove(key, token);
  }
}
