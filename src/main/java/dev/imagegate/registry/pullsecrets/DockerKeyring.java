package dev.imagegate.registry.pullsecrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Registry credentials from docker configs, matched to an image the way the kubelet matches
 * {@code imagePullSecrets} (k8s.io/kubernetes/pkg/credentialprovider, {@code BasicDockerKeyring}):
 *
 * <ul>
 *   <li>a key is {@code host[:port][/path]}, with or without {@code https://} or {@code http://};
 *       a leading {@code /v1/} or {@code /v2/} path counts as none ({@code https://index.docker.io/v1/}
 *       is {@code index.docker.io});
 *   <li>a key matches an image ({@code host[:port]/repository}) when the ports are equal (none
 *       matches none only), the host names have as many dot-separated parts and each part matches
 *       as a glob ({@code *.example.com} matches {@code a.example.com}, not {@code a.b.example.com}
 *       nor {@code example.com}), and the key's path is a prefix of the image's path;
 *   <li>every matching key contributes, most specific first (keys in reverse lexical order, so
 *       {@code quay.io/team} before {@code quay.io}); each key's credentials in the order added;
 *   <li>an image on Docker Hub that no key matched uses the credentials of {@code index.docker.io}.
 * </ul>
 */
public final class DockerKeyring {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEFAULT_REGISTRY_KEY = "index.docker.io";

  /**
   * One credential. Prints only its source, never the user name or password.
   *
   * @param source where it came from ({@code secret apps/regcred}), for logs
   */
  public record Credential(String username, String password, String source) {
    @Override
    public String toString() {
      return "Credential[" + source + "]";
    }
  }

  /** A docker config that could not be read; the message names the problem, never the content. */
  public static final class InvalidDockerConfigException extends Exception {
    public InvalidDockerConfigException(String message) {
      super(message, null, false, false);
    }
  }

  private final TreeMap<String, List<Credential>> byKey = new TreeMap<>(Comparator.reverseOrder());

  /** Adds every entry of a docker config: {@code key → credential}. */
  public void add(Map<String, Credential> config) {
    config.forEach((location, credential) -> {
      String key = key(location);
      if (key != null) {
        byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(credential);
      }
    });
  }

  /** The credentials for {@code image} ({@code host[:port]/repository}), best match first; empty when none matches. */
  public List<Credential> lookup(String image) {
    List<Credential> found = new ArrayList<>();
    for (Map.Entry<String, List<Credential>> entry : byKey.entrySet()) {
      if (matches(entry.getKey(), image)) {
        found.addAll(entry.getValue());
      }
    }
    if (found.isEmpty() && isDefaultRegistryMatch(image)) {
      found.addAll(byKey.getOrDefault(DEFAULT_REGISTRY_KEY, List.of()));
    }
    return found;
  }

  public boolean isEmpty() {
    return byKey.isEmpty();
  }

  /** The keyring key of a config location, as the kubelet's {@code Add} computes it; null if unusable. */
  static String key(String location) {
    if (location == null) {
      return null;
    }
    String value = location.trim();
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://")) {
      value = value.substring(8);
    } else if (lower.startsWith("http://")) {
      value = value.substring(7);
    }
    int slash = value.indexOf('/');
    String host = (slash < 0 ? value : value.substring(0, slash)).toLowerCase(Locale.ROOT);
    String path = slash < 0 ? "" : value.substring(slash);
    int cut = path.indexOf('?');
    if (cut >= 0) {
      path = path.substring(0, cut);
    }
    if (host.isEmpty() || host.contains("@")) {
      return null;
    }
    if (path.startsWith("/v2/") || path.startsWith("/v1/")) {
      path = path.substring(3);
    }
    return path.isEmpty() || path.equals("/") ? host : host + path;
  }

  /** The kubelet's {@code URLsMatchStr(glob, target)}: port, host part count, per-part glob, path prefix. */
  static boolean matches(String glob, String target) {
    String[] g = split(glob);
    String[] t = split(target);
    String[] globHostPort = hostPort(g[0]);
    String[] targetHostPort = hostPort(t[0]);
    if (!globHostPort[1].equals(targetHostPort[1])) {
      return false;
    }
    String[] globParts = globHostPort[0].split("\\.", -1);
    String[] targetParts = targetHostPort[0].split("\\.", -1);
    if (globParts.length != targetParts.length) {
      return false;
    }
    if (!t[1].startsWith(g[1])) {
      return false;
    }
    for (int i = 0; i < globParts.length; i++) {
      if (!globMatch(globParts[i], targetParts[i])) {
        return false;
      }
    }
    return true;
  }

  /** Whether the image would be pulled from Docker Hub (the kubelet's {@code isDefaultRegistryMatch}). */
  static boolean isDefaultRegistryMatch(String image) {
    String[] parts = image.split("/", 2);
    if (parts[0].isEmpty()) {
      return false;
    }
    if (parts.length == 1) {
      return true;
    }
    if (parts[0].equals("docker.io") || parts[0].equals("index.docker.io")) {
      return true;
    }
    return !(parts[0].contains(".") || parts[0].contains(":"));
  }

  /** {authority, path} of a schemeless URL; the authority lower-cased. */
  private static String[] split(String url) {
    int slash = url.indexOf('/');
    String authority = slash < 0 ? url : url.substring(0, slash);
    String path = slash < 0 ? "" : url.substring(slash);
    return new String[] {authority.toLowerCase(Locale.ROOT), path};
  }

  /** {host, port} ({@code ""} for no port), as Go's {@code net.SplitHostPort} with its fallback. */
  private static String[] hostPort(String authority) {
    int colon = authority.lastIndexOf(':');
    if (colon < 0 || authority.startsWith("[") && !authority.contains("]:")) {
      return new String[] {authority, ""};
    }
    return new String[] {authority.substring(0, colon), authority.substring(colon + 1)};
  }

  /** Go's {@code filepath.Match} on one host-name part: {@code *}, {@code ?} and {@code [...]} classes. */
  static boolean globMatch(String glob, String text) {
    if (glob.indexOf('*') < 0 && glob.indexOf('?') < 0 && glob.indexOf('[') < 0) {
      return glob.equals(text);
    }
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> regex.append("[^/]*");
        case '?' -> regex.append("[^/]");
        case '[' -> {
          int end = glob.indexOf(']', i + 1);
          if (end < 0) {
            return false; // a malformed pattern matches nothing (Go: ErrBadPattern)
          }
          String set = glob.substring(i + 1, end);
          boolean negate = set.startsWith("^") || set.startsWith("!");
          if (negate) {
            set = set.substring(1);
          }
          regex.append('[').append(negate ? "^" : "").append(set.replace("\\", "\\\\").replace("[", "\\[")).append(']');
          i = end;
        }
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    try {
      return Pattern.matches(regex.toString(), text);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The entries of a {@code kubernetes.io/dockerconfigjson} secret's {@code .dockerconfigjson}: {@code {"auths": {...}}}. */
  public static Map<String, Credential> parseDockerConfigJson(byte[] json, String source) throws InvalidDockerConfigException {
    JsonNode root = read(json, source);
    JsonNode auths = root.path("auths");
    if (!auths.isObject()) {
      throw new InvalidDockerConfigException(source + ": .dockerconfigjson has no \"auths\" object");
    }
    return entries(auths, source);
  }

  /** The entries of a legacy {@code kubernetes.io/dockercfg} secret's {@code .dockercfg}: {@code {"host": {...}}}. */
  public static Map<String, Credential> parseDockercfg(byte[] json, String source) throws InvalidDockerConfigException {
    return entries(read(json, source), source);
  }

  private static JsonNode read(byte[] json, String source) throws InvalidDockerConfigException {
    try {
      JsonNode root = JSON.readTree(json);
      if (root == null || !root.isObject()) {
        throw new InvalidDockerConfigException(source + ": not a JSON object");
      }
      return root;
    } catch (IOException e) {
      // The parser's message may quote the content: never pass it on.
      throw new InvalidDockerConfigException(source + ": malformed JSON");
    }
  }

  /** {@code auth} (base64 of {@code user:password}) wins over {@code username}/{@code password}, as in the kubelet. */
  private static Map<String, Credential> entries(JsonNode map, String source) throws InvalidDockerConfigException {
    Map<String, Credential> entries = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode entry = field.getValue();
      if (!entry.isObject()) {
        throw new InvalidDockerConfigException(source + ": the entry for " + printable(field.getKey()) + " is not an object");
      }
      String username = entry.path("username").asText("");
      String password = entry.path("password").asText("");
      String auth = entry.path("auth").asText("");
      if (!auth.isEmpty()) {
        String decoded;
        try {
          decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new InvalidDockerConfigException(source + ": the \"auth\" of " + printable(field.getKey()) + " is not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
          throw new InvalidDockerConfigException(source + ": the \"auth\" of " + printable(field.getKey()) + " is not user:password");
        }
        username = decoded.substring(0, colon);
        password = decoded.substring(colon + 1);
      }
      entries.put(field.getKey(), new Credential(username, password, source));
    }
    return entries;
  }

  private static String printable(String text) {
    String clean = text.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
  }
}
