package dev.imagegate.image;

import dev.imagegate.text.ExternalText;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container image reference parsed and normalised as distribution/reference does
 * ({@code nginx} is {@code docker.io/library/nginx:latest}).
 *
 * <p>{@link #parse} follows {@code ParseNormalizedNamed} of github.com/distribution/reference
 * (the parser Docker, containerd and the kubelet use): the same grammar, the same rule for
 * telling a registry host from a Docker Hub namespace, the same Docker Hub rewrites
 * ({@code index.docker.io} to {@code docker.io}, {@code library/} for official images), the
 * same 255-character limit on the repository path and the same digest checks (go-digest's
 * sha256/sha384/sha512, lowercase hex of exact length). Messages differ: upstream mostly says
 * "invalid reference format", this class says which part is wrong. Two inputs upstream accepts
 * are refused on purpose: references over {@value #MAX_REFERENCE_LENGTH} characters, and a
 * first element upstream splits off as a host that its own grammar then reads as a path
 * ({@code foo_bar.com/app}, where upstream ends up with no registry at all).
 *
 * @param original the reference exactly as written in the pod spec
 * @param registry the registry host (with port), {@code docker.io} for Docker Hub
 * @param repository the repository path, {@code library/nginx} for official images
 * @param tag the tag as written, or {@code null} when none was written
 * @param digest the digest as written ({@code sha256:...}), or {@code null}
 */
public record ImageReference(String original, String registry, String repository, String tag, Digest digest) {

  /** Docker Hub's canonical domain; familiar names such as {@code user/app} live here. */
  public static final String DOCKER_HUB = "docker.io";

  /** The tag a runtime pulls when neither a tag nor a digest was written. */
  public static final String DEFAULT_TAG = "latest";

  // Docker Hub's pre-"docker.io" domain, still accepted and rewritten to docker.io.
  private static final String LEGACY_DOCKER_HUB = "index.docker.io";
  // Namespace of Docker Hub's official images: "nginx" is "docker.io/library/nginx".
  private static final String OFFICIAL_PREFIX = "library/";
  private static final String LOCALHOST = "localhost";

  /** upstream RepositoryNameTotalLengthMax; counts the path only, not the registry. */
  static final int MAX_REPOSITORY_LENGTH = 255;

  /**
   * Refused before any regex runs, so a hostile multi-megabyte string can neither overflow the
   * stack of java.util.regex (which recurses per repetition; Go's RE2 does not) nor burn CPU.
   * The longest reference that can be pulled is about 780 characters: host (DNS allows 253) and
   * port, a 255-character path, a 128-character tag and a sha512 digest.
   */
  static final int MAX_REFERENCE_LENGTH = 1024;

  // ---- Grammar, piece by piece as in distribution/reference regexp.go ----------------------

  // Path components are lowercase letters and digits...
  private static final String ALPHANUMERIC = "[a-z0-9]+";
  // ...joined by one '.', one or two '_', or any number of '-'.
  private static final String SEPARATOR = "(?:[._]|__|[-]+)";
  private static final String PATH_COMPONENT = ALPHANUMERIC + anyTimes(SEPARATOR + ALPHANUMERIC);
  // The path ("remote name"): library/ubuntu, team/sub/app.
  private static final String REMOTE_NAME = PATH_COMPONENT + anyTimes("/" + PATH_COMPONENT);
  // Host labels may have uppercase letters (DNS is case-insensitive), paths may not.
  private static final String DOMAIN_NAME_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  // A DNS name or a dotted IPv4 address.
  private static final String DOMAIN_NAME =
      DOMAIN_NAME_COMPONENT + anyTimes("\\." + DOMAIN_NAME_COMPONENT);
  // IPv6 in brackets; zone identifiers (%eth0) and IPv4-mapped forms are deliberately excluded.
  private static final String IPV6_ADDRESS = "\\[(?:[a-fA-F0-9:]+)\\]";
  private static final String HOST = "(?:" + DOMAIN_NAME + "|" + IPV6_ADDRESS + ")";
  private static final String OPTIONAL_PORT = "(?::[0-9]+)?";
  private static final String DOMAIN_AND_PORT = HOST + OPTIONAL_PORT;
  // Go's \w is ASCII [0-9A-Za-z_], as is Java's without UNICODE_CHARACTER_CLASS.
  private static final String TAG = "[\\w][\\w.-]{0,127}";
  private static final String DIGEST = Digest.GRAMMAR;
  private static final String NAME = optional(DOMAIN_AND_PORT + "/") + REMOTE_NAME;

  // Patterns are used with matches(), which anchors at both ends. (Java's '$' would also match
  // before a trailing newline; Go's does not.) Captures follow leftmost-first order in both.

  /** name[:tag][@digest]; groups: 1 name, 2 tag, 3 digest. */
  static final Pattern REFERENCE =
      Pattern.compile(capture(NAME) + optional(":", capture(TAG)) + optional("@", capture(DIGEST)));
  /** [host[:port]/]path; groups: 1 domain (null when absent), 2 path. */
  static final Pattern ANCHORED_NAME =
      Pattern.compile(optional(capture(DOMAIN_AND_PORT), "/") + capture(REMOTE_NAME));
  static final Pattern DOMAIN = Pattern.compile(DOMAIN_AND_PORT);
  static final Pattern PATH_COMPONENT_PATTERN = Pattern.compile(PATH_COMPONENT);
  static final Pattern TAG_PATTERN = Pattern.compile(TAG);
  static final Pattern DIGEST_PATTERN = Pattern.compile(DIGEST);
  /** A bare image ID; upstream refuses it as a name so it is never mistaken for one. */
  static final Pattern IDENTIFIER = Pattern.compile("[a-f0-9]{64}");

  /** Parses {@code reference}; throws {@link InvalidReferenceException} with a reason a person can act on. */
  public static ImageReference parse(String reference) {
    if (reference == null || reference.isEmpty()) {
      throw invalid(reference, "image reference is empty");
    }
    if (reference.length() > MAX_REFERENCE_LENGTH) {
      throw invalid(reference, "image reference is " + reference.length()
          + " characters long; no pullable reference is longer than " + MAX_REFERENCE_LENGTH);
    }
    if (IDENTIFIER.matcher(reference).matches()) {
      throw invalid(reference, "64 hexadecimal characters are an image ID, not a repository name;"
          + " write name@sha256:<id> to pin by digest");
    }

    String[] split = splitDockerDomain(reference);
    String remainder = split[1];
    // ParseNormalizedNamed checks the path before the first ':' (the tag may be mixed case).
    int colon = remainder.indexOf(':');
    String remote = colon < 0 ? remainder : remainder.substring(0, colon);
    if (!isLowercase(remote)) {
      throw invalid(reference, uppercaseReason(remote));
    }

    String full = split[0] + "/" + remainder;
    Matcher m = REFERENCE.matcher(full);
    if (!m.matches()) {
      String lower = full.toLowerCase(Locale.ROOT);
      if (!lower.equals(full) && REFERENCE.matcher(lower).matches()) {
        throw invalid(reference, uppercaseReason(remote));
      }
      throw invalid(reference, diagnose(reference));
    }
    Matcher name = ANCHORED_NAME.matcher(m.group(1));
    if (!name.matches()) {
      throw new IllegalStateException("name grammar disagrees with reference grammar: " + full);
    }
    String registry = name.group(1);
    String repository = name.group(2);
    if (repository.length() > MAX_REPOSITORY_LENGTH) {
      throw invalid(reference, "repository path \"" + abbreviate(repository) + "\" is "
          + repository.length() + " characters long; at most " + MAX_REPOSITORY_LENGTH + " are allowed");
    }
    String digest = m.group(3);
    if (digest != null) {
      String problem = Digest.problem(digest);
      if (problem != null) {
        throw invalid(reference, problem);
      }
    }
    if (registry == null) {
      // Deliberate difference, and the only one among inputs upstream accepts: it splits
      // "foo_bar.com/app" at host "foo_bar.com" (it has a '.'), then its grammar reads the whole
      // thing as a path with no registry at all. The runtime would still contact "foo_bar.com",
      // so refuse rather than judge a registry-less image that is pulled from somewhere.
      throw invalid(reference, "registry host \"" + split[0] + "\" is not a valid host name"
          + " ('_' is not allowed in host names)");
    }
    return new ImageReference(reference, registry, repository, m.group(2), digest == null ? null : Digest.parse(digest));
  }

  public boolean hasTag() {
    return tag != null;
  }

  public boolean hasDigest() {
    return digest != null;
  }

  /** What is asked of the registry: the digest when one was written (it wins over the tag), else the tag, {@code latest} when none. */
  public Qualifier qualifier() {
    return digest != null ? digest : new Qualifier.Tag(tag != null ? tag : DEFAULT_TAG);
  }

  /** Fully qualified form: {@code registry/repository[:tag][@digest]}, with {@code :latest} when neither was written. */
  public String normalized() {
    StringBuilder s = new StringBuilder(name());
    if (tag != null) {
      s.append(':').append(tag);
    }
    if (digest != null) {
      s.append('@').append(digest);
    } else if (tag == null) {
      s.append(':').append(DEFAULT_TAG);
    }
    return s.toString();
  }

  /** {@code registry/repository}, without tag or digest (upstream {@code Named.Name()}). */
  public String name() {
    return registry + "/" + repository;
  }

  /**
   * The short form {@code docker} prints (upstream {@code FamiliarName}): {@code docker.io/} and
   * a single-level {@code library/} dropped, so {@code docker.io/library/nginx} is {@code nginx}
   * and {@code docker.io/user/app} is {@code user/app}; other registries are kept.
   */
  public String familiarName() {
    if (!DOCKER_HUB.equals(registry)) {
      return name();
    }
    if (repository.startsWith(OFFICIAL_PREFIX)
        && repository.indexOf('/', OFFICIAL_PREFIX.length()) < 0) {
      return repository.substring(OFFICIAL_PREFIX.length());
    }
    return repository;
  }

  /** {@link #familiarName()} with the tag and digest as written (upstream {@code FamiliarString}). */
  public String familiarString() {
    return familiarName() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }

  /**
   * This reference pinned to {@code digest} (tag kept, {@link #original} kept so messages can
   * still quote what the pod spec said).
   */
  public ImageReference withDigest(Digest digest) {
    return new ImageReference(original, registry, repository, tag, Objects.requireNonNull(digest, "digest"));
  }

  // ---- Parsing helpers ----------------------------------------------------------------------

  /**
   * upstream splitDockerDomain: the first path element is a registry only if it is
   * {@code localhost}, contains '.' or ':', or has uppercase letters (namespaces cannot); a
   * single element is an official image. Returns {domain, remainder-with-tag-and-digest}.
   */
  private static String[] splitDockerDomain(String s) {
    int slash = s.indexOf('/');
    if (slash < 0) {
      return new String[] {DOCKER_HUB, OFFICIAL_PREFIX + s};
    }
    String first = s.substring(0, slash);
    String rest = s.substring(slash + 1);
    String domain;
    if (first.equals(LEGACY_DOCKER_HUB)) {
      domain = DOCKER_HUB;
    } else if (first.equals(LOCALHOST) || first.indexOf('.') >= 0 || first.indexOf(':') >= 0
        || !isLowercase(first)) {
      domain = first;
    } else {
      domain = DOCKER_HUB;
      rest = s;
    }
    // "docker.io/ubuntu" is "docker.io/library/ubuntu", but only on Docker Hub.
    if (domain.equals(DOCKER_HUB) && rest.indexOf('/') < 0) {
      rest = OFFICIAL_PREFIX + rest;
    }
    return new String[] {domain, rest};
  }

  /**
   * Says which part of {@code s} breaks the grammar. Only called after the grammar refused the
   * whole reference, so it decides nothing; it just finds the first thing a person should fix.
   */
  private static String diagnose(String s) {
    // Everything the grammar accepts is printable ASCII.
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '!' || c > '~') {
        return describe(c) + " at position " + (i + 1) + " is not allowed";
      }
    }
    int at = s.indexOf('@');
    String beforeDigest = at < 0 ? s : s.substring(0, at);
    int lastSlash = beforeDigest.lastIndexOf('/');
    int colon = beforeDigest.indexOf(':', lastSlash + 1);
    String name = colon < 0 ? beforeDigest : beforeDigest.substring(0, colon);

    if (name.isEmpty()) {
      return "repository name is missing before '" + s.charAt(0) + "'";
    }
    if (name.startsWith("/")) {
      return "repository name must not start with '/'";
    }
    if (name.endsWith("/")) {
      return "repository name must not end with '/'";
    }
    if (name.contains("//")) {
      return "repository name must not contain '//'";
    }
    if (lastSlash < 0 && s.startsWith("[")) {
      return "a registry host needs a repository path after it, e.g. [::1]:5000/name";
    }
    String[] split = splitDockerDomain(name);
    String path = split[1];
    if (!split[0].equals(DOCKER_HUB)) {
      if (!DOMAIN.matcher(split[0]).matches()) {
        return "registry host \"" + split[0] + "\" is invalid: expected host[:port] such as"
            + " registry.example.com:5000 or [::1]:5000 (IPv6 without zone)";
      }
    }
    for (String component : path.split("/", -1)) {
      if (!PATH_COMPONENT_PATTERN.matcher(component).matches()) {
        return "path component \"" + component + "\" is invalid: use lowercase letters and digits,"
            + " separated by '.', '_', '__' or '-' (not at the start or end)";
      }
    }
    if (colon >= 0) {
      String tag = beforeDigest.substring(colon + 1);
      if (tag.isEmpty()) {
        return "tag is empty after ':'";
      }
      if (tag.length() > 128) {
        return "tag is " + tag.length() + " characters long; at most 128 are allowed";
      }
      if (!TAG_PATTERN.matcher(tag).matches()) {
        return "tag \"" + tag + "\" is invalid: use letters, digits, '_', '.' and '-',"
            + " not starting with '.' or '-'";
      }
    }
    if (at >= 0) {
      String digest = s.substring(at + 1);
      if (digest.isEmpty()) {
        return "digest is empty after '@'";
      }
      if (!DIGEST_PATTERN.matcher(digest).matches()) {
        return "digest \"" + digest + "\" is invalid: expected algorithm:hex,"
            + " e.g. sha256:<64 hex characters>";
      }
    }
    return "invalid reference format: expected [registry/]repository[:tag][@digest]";
  }

  private static String uppercaseReason(String remote) {
    // remote runs up to the first ':', so for name@SHA256:... it ends in the digest algorithm.
    int at = remote.indexOf('@');
    String path = at < 0 ? remote : remote.substring(0, at);
    for (String component : path.split("/", -1)) {
      if (!isLowercase(component)) {
        return "repository name must be lowercase (\"" + component + "\")";
      }
    }
    return at < 0 ? "repository name must be lowercase"
        : "digest algorithm \"" + remote.substring(at + 1) + "\" must be lowercase";
  }

  private static boolean isLowercase(String s) {
    return s.toLowerCase(Locale.ROOT).equals(s);
  }

  private static InvalidReferenceException invalid(String reference, String reason) {
    return new InvalidReferenceException("invalid image reference " + ExternalText.quotedInput(reference) + ": " + reason);
  }

  private static String describe(char c) {
    if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
      return "whitespace (U+" + String.format("%04X", (int) c) + ")";
    }
    if (Character.isISOControl(c)) {
      return "control character U+" + String.format("%04X", (int) c);
    }
    return "non-ASCII character '" + c + "' (U+" + String.format("%04X", (int) c) + ")";
  }

  private static String abbreviate(String s) {
    return s.length() <= 160 ? s : s.substring(0, 120) + "..." + s.substring(s.length() - 20);
  }

  private static String optional(String... parts) {
    return "(?:" + String.join("", parts) + ")?";
  }

  private static String anyTimes(String... parts) {
    return "(?:" + String.join("", parts) + ")*";
  }

  private static String capture(String... parts) {
    return "(" + String.join("", parts) + ")";
  }
}
