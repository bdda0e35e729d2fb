package dev.imagegate.image;

import dev.imagegate.text.ExternalText;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A content digest, {@code algorithm:hex}, checked as go-digest checks one (the grammar of the OCI
 * distribution spec, then a runtime's algorithms: sha256, sha384 or sha512 with lowercase hex of
 * exact length). Only valid digests exist, so whoever holds one needs no string test to know what
 * it is. {@link #toString()} is its written form ({@code sha256:…}), as it appears after {@code @}
 * in a reference and in the registry API's paths.
 *
 * @param algorithm {@code sha256}, {@code sha384} or {@code sha512}
 * @param hex the encoded digest, lowercase hex of the algorithm's length
 */
public record Digest(String algorithm, String hex) implements Qualifier {
  /** The reference grammar's digest (distribution/reference): algorithm:hex with at least 128 bits; [[:xdigit:]] spelled out for Java. */
  static final String GRAMMAR = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
  private static final Pattern GRAMMAR_PATTERN = Pattern.compile(GRAMMAR);

  // go-digest: the algorithms a runtime can verify, with their hex lengths and JCA names.
  private static final Map<String, Integer> HEX_LENGTHS = Map.of("sha256", 64, "sha384", 96, "sha512", 128);
  private static final Map<String, String> JCA_NAMES = Map.of("sha256", "SHA-256", "sha384", "SHA-384", "sha512", "SHA-512");
  // go-digest's DigestRegexpAnchored: tells "unsupported algorithm" from "not a digest at all".
  private static final Pattern GO_DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
  private static final Pattern LOWER_HEX = Pattern.compile("[0-9a-f]+");
  private static final String SHA256 = "sha256";

  public Digest {
    Integer length = algorithm == null ? null : HEX_LENGTHS.get(algorithm);
    if (length == null || hex == null || hex.length() != length || !LOWER_HEX.matcher(hex).matches()) {
      throw new InvalidReferenceException("not a digest: " + ExternalText.quotedInput(algorithm + ":" + hex)); // parse says why
    }
    algorithm = canonical(algorithm); // one shared string per algorithm, however many digests are cached
  }

  /** {@code text} as a digest; throws {@link InvalidReferenceException} saying what is wrong with it. */
  public static Digest parse(String text) {
    String problem = problem(text);
    if (problem != null) {
      throw new InvalidReferenceException("digest " + ExternalText.quotedInput(text) + " is invalid: " + problem);
    }
    int colon = text.indexOf(':');
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  /** {@code text} as a digest, or empty when it is none (a registry's header or document, say). */
  public static Optional<Digest> tryParse(String text) {
    return problem(text) == null ? Optional.of(parse(text)) : Optional.empty();
  }

  /** The sha256 digest of {@code bytes}: how a registry names content it was not asked for by digest. */
  public static Digest sha256(byte[] bytes) {
    return new Digest(SHA256, HexFormat.of().formatHex(hash(SHA256, bytes)));
  }

  /** Whether {@code bytes} are the content this digest names, hashed with its own algorithm. */
  public boolean matches(byte[] bytes) {
    return MessageDigest.isEqual(hash(algorithm, bytes), HexFormat.of().parseHex(hex));
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  /**
   * go-digest {@code Digest.Validate}, with a reason a person can act on; null when {@code text} is
   * a valid digest. A string outside the reference grammar is "expected algorithm:hex"; so is one
   * longer than any reference, before the regex runs (a registry's text can be of any length, and
   * java.util.regex recurses per repetition).
   */
  static String problem(String text) {
    if (text == null || text.length() > ImageReference.MAX_REFERENCE_LENGTH || !GRAMMAR_PATTERN.matcher(text).matches()) {
      return "expected algorithm:hex, e.g. sha256:<64 hex characters>";
    }
    int colon = text.indexOf(':');
    String algorithm = text.substring(0, colon);
    String hex = text.substring(colon + 1);
    Integer length = HEX_LENGTHS.get(algorithm);
    if (length == null) {
      // go-digest: a well-formed but unknown algorithm is "unsupported", anything else "invalid".
      return GO_DIGEST.matcher(text).matches()
          ? "unsupported digest algorithm \"" + algorithm + "\" (use sha256, sha384 or sha512)"
          : "invalid digest: algorithm \"" + algorithm + "\" is not sha256, sha384 or sha512";
    }
    if (hex.length() != length) {
      return "invalid digest: " + algorithm + " needs " + length + " hex characters, found " + hex.length();
    }
    if (!hex.equals(hex.toLowerCase(Locale.ROOT))) {
      return "invalid digest: hex must use lowercase a-f";
    }
    return null;
  }

  private static String canonical(String algorithm) {
    for (String known : HEX_LENGTHS.keySet()) {
      if (known.equals(algorithm)) {
        return known;
      }
    }
    throw new IllegalStateException("unchecked algorithm " + algorithm);
  }

  private static byte[] hash(String algorithm, byte[] bytes) {
    try {
      return MessageDigest.getInstance(JCA_NAMES.get(algorithm)).digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JRE has SHA-256, SHA-384 and SHA-512
    }
  }
}
