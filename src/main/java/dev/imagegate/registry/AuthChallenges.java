package dev.imagegate.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The last {@code WWW-Authenticate} challenge each registry host answered with. Knowing it, the
 * next fetch authenticates up front (token request, or basic credentials) instead of first being
 * turned away with a 401. The challenge holds no secret.
 */
final class AuthChallenges {
  private final Cache<String, String> byHost = Caffeine.newBuilder().maximumSize(1024).build();

  String get(String host) {
    return byHost.getIfPresent(host);
  }

  void remember(String host, String challenge) {
    byHost.put(host, challenge);
  }
}
