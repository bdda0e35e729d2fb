package dev.imagegate.registry;

import dev.imagegate.config.ConfigException;
import dev.imagegate.config.RegistrySettings;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Maps an image's registry to the endpoint to talk to: its mirror if one is configured, Docker Hub's
 * API host for {@code docker.io}, plain HTTP only where {@code registries.insecure} or an
 * {@code http://} mirror says so.
 */
final class RegistryEndpoints {
  static final String DOCKER_HUB = "docker.io";
  /** The host Docker Hub's registry API is served from (what {@code docker.io} means to a client). */
  static final String DOCKER_HUB_API = "registry-1.docker.io";

  private static final Set<String> DOCKER_HUB_ALIASES =
      Set.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");

  private final Map<String, RegistryEndpoint> mirrors = new HashMap<>();
  private final Set<String> insecure;

  RegistryEndpoints(RegistrySettings settings) {
    this.insecure = settings.insecure().stream().map(RegistryEndpoints::normalize).collect(Collectors.toUnmodifiableSet());
    settings.mirrors().forEach((registry, endpoint) -> {
      String key = normalize(registry);
      mirrors.put(key, parseMirror(key, endpoint));
    });
  }

  RegistryEndpoint forRegistry(String registry) {
    String key = normalize(registry);
    RegistryEndpoint mirror = mirrors.get(key);
    if (mirror != null) {
      return mirror;
    }
    String host = key.equals(DOCKER_HUB) ? DOCKER_HUB_API : key;
    return new RegistryEndpoint(registry, host, insecure.contains(key), false);
  }

  private RegistryEndpoint parseMirror(String registry, String endpoint) {
    String text = endpoint == null ? "" : endpoint.trim();
    String where = "registries.mirrors." + registry + ": \"" + endpoint + "\" ";
    boolean http;
    String authority;
    if (text.contains("://")) {
      URI uri;
      try {
        uri = URI.create(text);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(where + "is not a URL");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new ConfigException(where + "must be http://host[:port], https://host[:port] or host[:port]");
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      if (!(path.isEmpty() || path.equals("/")) || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
        throw new ConfigException(where + "may only name a scheme, host and port (no path, query or user)");
      }
      http = scheme.equals("http");
      authority = uri.getRawAuthority();
    } else {
      authority = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
      if (authority.contains("/")) {
        throw new ConfigException(where + "may only name a scheme, host and port (no path)");
      }
      http = insecure.contains(authority.toLowerCase(Locale.ROOT));
    }
    if (authority == null || authority.isBlank()) {
      throw new ConfigException(where + "has no host");
    }
    return new RegistryEndpoint(registry, authority.toLowerCase(Locale.ROOT), http, true);
  }

  /** Lower-cases a registry host and folds Docker Hub's aliases into {@code docker.io}. */
  static String normalize(String registry) {
    String host = registry.trim().toLowerCase(Locale.ROOT);
    return DOCKER_HUB_ALIASES.contains(host) ? DOCKER_HUB : host;
  }
}
