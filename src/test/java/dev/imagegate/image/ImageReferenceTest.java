package dev.imagegate.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins {@link ImageReference} to github.com/distribution/reference. The upstream tables from
 * normalize_test.go, reference_test.go and regexp_test.go are in
 * {@code reference-vectors/distribution-reference.txt}; the few built with strings.Repeat are
 * below. The rest of this class covers what upstream does not test: messages, whitespace,
 * boundaries, digest lengths and the helpers.
 */
class ImageReferenceTest {

  private static final String VECTORS = "/reference-vectors/distribution-reference.txt";
  private static final Map<String, List<String[]>> SECTIONS = load();

  private static final String SHA256 = "sha256:" + "f".repeat(64);

  /**
   * What each error kind's message must say (and what no other kind's message may say), standing
   * in for upstream's error values: ErrNameContainsUppercase, ErrNameTooLong, digest errors...
   * "format" (ErrReferenceInvalidFormat) is the kind whose message says none of these.
   */
  private static final Map<String, String> KIND_PHRASES = Map.of(
      "empty", "image reference is empty",
      "uppercase", "must be lowercase",
      "too-long", "at most 255 are allowed",
      "digest", "invalid digest",
      "unsupported-digest", "unsupported digest algorithm",
      "image-id", "image ID");

  // ---- Upstream vectors ------------------------------------------------------------------------

  static Stream<Arguments> validVectors() {
    Stream<Arguments> fromFile = rows("valid", 5, 5).map(r -> Arguments.of((Object[]) r));
    Stream<Arguments> repeated = Stream.of(
        // reference_test.go TestReferenceParse: 255-character path, long tag. Upstream's Parse
        // sees domain "a"; ParseNormalizedNamed does not treat "a" as a host.
        Arguments.of("a/".repeat(127) + "a:tag-puts-this-over-max",
            "docker.io", "a/".repeat(127) + "a", "tag-puts-this-over-max", null),
        // reference_test.go TestReferenceParse: the limit counts the path, not the registry.
        Arguments.of("example.com/" + "a".repeat(255) + ":tag",
            "example.com", "a".repeat(255), "tag", null));
    return Stream.concat(fromFile, repeated);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validVectors")
  void parsesUpstreamValidReferences(String input, String registry, String repository, String tag, String digest) {
    ImageReference ref = ImageReference.parse(input);

    assertThat(ref).isEqualTo(new ImageReference(input, registry, repository, tag, digest == null ? null : Digest.parse(digest)));
    assertThat(ref.hasTag()).isEqualTo(tag != null);
    assertThat(ref.hasDigest()).isEqualTo(digest != null);
    assertThat(ref.name()).isEqualTo(registry + "/" + repository);
    // The normalized form is itself a valid reference that means the same image.
    ImageReference again = ImageReference.parse(ref.normalized());
    assertThat(again.name()).isEqualTo(ref.name());
    assertThat(again.normalized()).isEqualTo(ref.normalized());
  }

  static Stream<Arguments> invalidVectors() {
    Stream<Arguments> fromFile = rows("invalid", 2, 2).map(r -> Arguments.of((Object[]) r));
    Stream<Arguments> repeated = Stream.of(
        // reference_test.go TestReferenceParse (Parse says ErrNameEmpty; ParseNormalizedNamed
        // says "invalid reference format"; rejected either way)
        Arguments.of("", "empty"),
        Arguments.of("domain/" + "a".repeat(256) + ":tag", "too-long"),
        // reference_test.go before distribution/reference#9 (path 257 characters either way)
        Arguments.of("a/".repeat(128) + "a:tag", "too-long"));
    return Stream.concat(fromFile, repeated);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("invalidVectors")
  void rejectsUpstreamInvalidReferences(String input, String kind) {
    assertRejected(input, kind);
  }

  static Stream<Arguments> repositoryInfoVectors() {
    return rows("repository-info", 5, 5).map(r -> Arguments.of((Object[]) r));
  }

  /** normalize_test.go TestParseRepositoryInfo: familiar name, full name, domain, remote name. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("repositoryInfoVectors")
  void normalizesLikeUpstreamRepositoryInfo(String input, String familiar, String full, String domain, String remote) {
    ImageReference ref = ImageReference.parse(input);

    assertThat(ref.familiarName()).isEqualTo(familiar);
    assertThat(ref.name()).isEqualTo(full);
    assertThat(ref.registry()).isEqualTo(domain);
    assertThat(ref.repository()).isEqualTo(remote);
  }

  static Stream<Arguments> domainVectors() {
    return rows("domain-regexp", 2, 2).map(r -> Arguments.of(r[0], Boolean.parseBoolean(r[1])));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("domainVectors")
  void domainGrammarMatchesUpstream(String input, boolean matches) {
    assertThat(ImageReference.DOMAIN.matcher(input).matches()).isEqualTo(matches);
  }

  static Stream<Arguments> nameVectors() {
    Stream<Arguments> fromFile = rows("name-regexp", 2, 4).map(r -> Arguments.of(r[0], Boolean.parseBoolean(r[1]), r[2], r[3]));
    // regexp_test.go TestFullNameRegexp: strings.Repeat("a/", 128) + "a"
    Stream<Arguments> repeated = Stream.of(
        Arguments.of("a/".repeat(128) + "a", true, "a", "a/".repeat(127) + "a"));
    return Stream.concat(fromFile, repeated);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("nameVectors")
  void nameGrammarMatchesUpstream(String input, boolean matches, String domain, String path) {
    Matcher m = ImageReference.ANCHORED_NAME.matcher(input);

    assertThat(m.matches()).isEqualTo(matches);
    if (matches) {
      assertThat(m.group(1)).isEqualTo(domain);
      assertThat(m.group(2)).isEqualTo(path);
    }
  }

  static Stream<Arguments> referenceVectors() {
    return rows("reference-regexp", 2, 5).map(r -> Arguments.of(r[0], Boolean.parseBoolean(r[1]), r[2], r[3], r[4]));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("referenceVectors")
  void referenceGrammarMatchesUpstream(String input, boolean matches, String name, String tag, String digest) {
    Matcher m = ImageReference.REFERENCE.matcher(input);

    assertThat(m.matches()).isEqualTo(matches);
    if (matches) {
      assertThat(m.group(1)).isEqualTo(name);
      assertThat(m.group(2)).isEqualTo(tag);
      assertThat(m.group(3)).isEqualTo(digest);
    }
  }

  static Stream<Arguments> identifierVectors() {
    return rows("identifier-regexp", 2, 2).map(r -> Arguments.of(r[0], Boolean.parseBoolean(r[1])));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("identifierVectors")
  void identifierGrammarMatchesUpstream(String input, boolean matches) {
    assertThat(ImageReference.IDENTIFIER.matcher(input).matches()).isEqualTo(matches);
  }

  /** normalize_test.go TestParseReferenceWithTagAndDigest: both kept, familiar string round-trips. */
  @Test
  void keepsTagAndDigestTogether() {
    String shortRef = "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";

    ImageReference ref = ImageReference.parse(shortRef);

    assertThat(ref.normalized()).isEqualTo("docker.io/library/" + shortRef);
    assertThat(ref.hasTag()).isTrue();
    assertThat(ref.hasDigest()).isTrue();
    assertThat(ref.familiarString()).isEqualTo(shortRef);
  }

  // ---- Normalisation -------------------------------------------------------------------------

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "nginx,                    docker.io/library/nginx:latest",
      "nginx:1.25,               docker.io/library/nginx:1.25",
      "user/app,                 docker.io/user/app:latest",
      "index.docker.io/x,        docker.io/library/x:latest",
      "docker.io/nginx,          docker.io/library/nginx:latest",
      "ghcr.io/org/app,          ghcr.io/org/app:latest",
      "localhost/app,            localhost/app:latest",
      "localhost:5000/app:v1,    localhost:5000/app:v1",
      // A bare "localhost" (no '/') is an official image name, and ":5000" its tag.
      "localhost,                docker.io/library/localhost:latest",
      "localhost:5000,           docker.io/library/localhost:5000",
      "[::1]:5000/app,           [::1]:5000/app:latest",
      "[2001:db8::1]:5000/repo,  [2001:db8::1]:5000/repo:latest",
      // Host names keep their case; only the legacy Docker Hub name is rewritten, exactly.
      "Registry.Example.com/app, Registry.Example.com/app:latest",
      "INDEX.DOCKER.IO/app,      INDEX.DOCKER.IO/app:latest",
      // Upstream's ParseAnyReference reads this as a digest; as a name it is image "sha256", tagged.
      "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c,"
          + " docker.io/library/sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c",
  })
  void normalizes(String input, String normalized) {
    assertThat(ImageReference.parse(input).normalized()).isEqualTo(normalized);
  }

  @Test
  void addsLatestOnlyInNormalizedAndOnlyWithoutTagOrDigest() {
    ImageReference plain = ImageReference.parse("nginx");
    ImageReference pinned = ImageReference.parse("nginx@" + SHA256);

    assertThat(plain).isEqualTo(new ImageReference("nginx", "docker.io", "library/nginx", null, null));
    assertThat(plain.hasTag()).isFalse();
    assertThat(plain.normalized()).isEqualTo("docker.io/library/nginx:latest");
    assertThat(pinned.tag()).isNull();
    assertThat(pinned.normalized()).isEqualTo("docker.io/library/nginx@" + SHA256);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "nginx,                    nginx",
      "docker.io/library/nginx,  nginx",
      "user/app,                 user/app",
      "library/foo/bar,          library/foo/bar",
      "ghcr.io/org/app,          ghcr.io/org/app",
      "localhost:5000/app,       localhost:5000/app",
  })
  void familiarNameDropsDockerHubDefaults(String input, String familiar) {
    assertThat(ImageReference.parse(input).familiarName()).isEqualTo(familiar);
  }

  @Test
  void keepsTheOriginalSpelling() {
    assertThat(ImageReference.parse("index.docker.io/nginx:1.25").original()).isEqualTo("index.docker.io/nginx:1.25");
  }

  // ---- Limits --------------------------------------------------------------------------------

  @Test
  void countsTheLibraryPrefixAgainstThePathLimit() {
    // "library/" + 247 = 255 characters, the most upstream allows.
    assertThat(ImageReference.parse("a".repeat(247)).repository()).hasSize(255);
    assertRejected("a".repeat(248), "too-long");
    assertRejected("example.com/" + "a".repeat(256), "too-long");
  }

  @Test
  void allowsTagsUpTo128Characters() {
    assertThat(ImageReference.parse("nginx:" + "a".repeat(128)).tag()).hasSize(128);
    assertThatThrownBy(() -> ImageReference.parse("nginx:" + "a".repeat(129)))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("tag is 129 characters long; at most 128 are allowed");
  }

  @Test
  void refusesHugeInputBeforeAnyRegexRuns() {
    // java.util.regex recurses per repetition; 100k path components would overflow the stack.
    String huge = "a/".repeat(50_000) + "a";

    assertThatThrownBy(() -> ImageReference.parse(huge))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("100001 characters long");
    assertThat(ImageReference.parse("registry.example.com:5000/" + "a/".repeat(127) + "a:" + "t".repeat(128)
        + "@sha512:" + "f".repeat(128)).hasDigest()).isTrue();
  }

  // ---- Digests -------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}:{1} hex -> {2}")
  @CsvSource({
      "sha256, 64,  ",
      "sha256, 63,  digest",
      "sha256, 65,  digest",
      "sha256, 32,  digest",
      "sha384, 96,  ",
      "sha384, 64,  digest",
      "sha384, 97,  digest",
      "sha512, 128, ",
      "sha512, 127, digest",
      "sha512, 64,  digest",
      "md5,    32,  unsupported-digest",
      "sha1,   40,  unsupported-digest",
      "sha256+b64, 64, unsupported-digest",
      // Below 32 hex digits the reference grammar itself fails.
      "sha256, 31,  format",
  })
  void checksDigestAlgorithmAndLength(String algorithm, int hexLength, String kind) {
    String digest = algorithm + ":" + "a".repeat(hexLength);
    if (kind == null) {
      assertThat(ImageReference.parse("nginx@" + digest).digest()).hasToString(digest);
      assertThat(ImageReference.parse("nginx:1.25@" + digest).digest()).hasToString(digest);
    } else {
      assertRejected("nginx@" + digest, kind);
      assertRejected("nginx:1.25@" + digest, kind);
    }
  }

  @Test
  void requiresLowercaseDigests() {
    assertRejected("nginx@sha256:" + "F".repeat(64), "digest");
    // Before the first ':' the algorithm is part of what upstream lowercase-checks as the name...
    assertRejected("nginx@SHA256:" + "f".repeat(64), "uppercase");
    // ...after a tag it is not, and go-digest refuses it instead.
    assertRejected("nginx:1.25@SHA256:" + "f".repeat(64), "digest");
  }

  @Test
  void withDigestPinsAndKeepsTheRest() {
    ImageReference ref = ImageReference.parse("ghcr.io/org/app:v1");

    ImageReference pinned = ref.withDigest(Digest.parse(SHA256));

    assertThat(pinned).isEqualTo(new ImageReference("ghcr.io/org/app:v1", "ghcr.io", "org/app", "v1", Digest.parse(SHA256)));
    assertThat(pinned.normalized()).isEqualTo("ghcr.io/org/app:v1@" + SHA256);
    assertThat(ref.hasDigest()).isFalse();
  }

  @Test
  void theQualifierIsTheDigestWhenOneIsWrittenElseTheTagElseLatest() {
    assertThat(ImageReference.parse("nginx:1.27@" + SHA256).qualifier()).isEqualTo(Digest.parse(SHA256));
    assertThat(ImageReference.parse("nginx:1.27").qualifier()).isEqualTo(new Qualifier.Tag("1.27"));
    assertThat(ImageReference.parse("nginx").qualifier()).isEqualTo(new Qualifier.Tag("latest"));
    assertThat(ImageReference.parse("nginx").qualifier()).hasToString("latest");
  }

  // ---- Messages ------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Nginx                    | invalid image reference \"Nginx\": repository name must be lowercase (\"Nginx\")",
      "docker.io/Team/app       | invalid image reference \"docker.io/Team/app\": repository name must be lowercase (\"Team\")",
      "nginx:                   | invalid image reference \"nginx:\": tag is empty after ':'",
      "nginx@                   | invalid image reference \"nginx@\": digest is empty after '@'",
      ":justtag                 | invalid image reference \":justtag\": repository name is missing before ':'",
      "docker/                  | invalid image reference \"docker/\": repository name must not end with '/'",
      "/nginx                   | invalid image reference \"/nginx\": repository name must not start with '/'",
      "docker///docker          | invalid image reference \"docker///docker\": repository name must not contain '//'",
      "[2001:db8::1]:5000       | invalid image reference \"[2001:db8::1]:5000\": a registry host needs a repository path after it, e.g. [::1]:5000/name",
  })
  void explainsWhatIsWrong(String input, String message) {
    assertThatThrownBy(() -> ImageReference.parse(input))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessage(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "-docker                  | path component \"-docker\" is invalid",
      // A first element with a '.' is a host by Docker's rule, so that is what gets blamed.
      "dock..er/docker          | registry host \"dock..er\" is invalid",
      "docker/dock..er          | path component \"dock..er\" is invalid",
      "nginx:-x                 | tag \"-x\" is invalid",
      "nginx:.x                 | tag \".x\" is invalid",
      "nginx:a~b                | tag \"a~b\" is invalid",
      "nginx@sha256             | digest \"sha256\" is invalid",
      "[fe80::1%eth0]:5000/repo | registry host \"[fe80::1%eth0]:5000\" is invalid",
      "foo.com:http/bar         | registry host \"foo.com:http\" is invalid",
      "nginx@a@b                | digest \"a@b\" is invalid",
  })
  void namesTheBrokenPart(String input, String reason) {
    assertThatThrownBy(() -> ImageReference.parse(input))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageStartingWith("invalid image reference \"" + input + "\": ")
        .hasMessageContaining(reason);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "' nginx'      | whitespace (U+0020) at position 1",
      "'nginx '      | whitespace (U+0020) at position 6",
      "'ngi nx:1'    | whitespace (U+0020) at position 4",
      "'nginx\t:1'   | whitespace (U+0009) at position 6",
      "'nginx\n'     | whitespace (U+000A) at position 6",
      "'nginx\u0000' | control character U+0000 at position 6",
      "'ngïnx'       | non-ASCII character 'ï' (U+00EF) at position 3",
      "'nginx\u00a0' | whitespace (U+00A0) at position 6",
  })
  void refusesWhitespaceAndControlCharacters(String input, String reason) {
    assertThatThrownBy(() -> ImageReference.parse(input))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageEndingWith(reason + " is not allowed")
        // Invisible characters are escaped in the quoted input.
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\t", "\u0000", "\u00a0"));
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> ImageReference.parse(null))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessage("invalid image reference (null): image reference is empty");
  }

  @Test
  void refusesRegistryThatUpstreamWouldDropSilently() {
    // Deliberate difference: upstream yields domain "" and path "foo_bar.com/app".
    assertThatThrownBy(() -> ImageReference.parse("foo_bar.com/app:1"))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("registry host \"foo_bar.com\" is not a valid host name");
  }

  // ---- Helpers -------------------------------------------------------------------------------

  private static void assertRejected(String input, String kind) {
    assertThatThrownBy(() -> ImageReference.parse(input))
        .isInstanceOf(InvalidReferenceException.class)
        .satisfies(e -> {
          String message = e.getMessage();
          assertThat(message).startsWith("invalid image reference \"");
          KIND_PHRASES.forEach((k, phrase) -> {
            if (k.equals(kind)) {
              assertThat(message).as("%s error for %s", k, input).contains(phrase);
            } else {
              assertThat(message).as("not a %s error for %s", k, input).doesNotContain(phrase);
            }
          });
        });
    assertThat(kind).isIn(List.of("format", "empty", "uppercase", "too-long", "digest", "unsupported-digest", "image-id"));
  }

  /**
   * Rows of one section padded to {@code max} fields, "-" read as null. Regexp non-matches
   * omit their captures, hence {@code min}.
   */
  private static Stream<String[]> rows(String section, int min, int max) {
    List<String[]> rows = SECTIONS.get(section);
    assertThat(rows).as("section [%s] in %s", section, VECTORS).isNotEmpty();
    return rows.stream().map(r -> {
      assertThat(r.length).as("columns of %s", String.join(" ", r)).isBetween(min, max);
      String[] padded = Arrays.copyOf(r, max);
      for (int i = 0; i < padded.length; i++) {
        padded[i] = "-".equals(padded[i]) ? null : padded[i];
      }
      return padded;
    });
  }

  private static Map<String, List<String[]>> load() {
    Map<String, List<String[]>> sections = new LinkedHashMap<>();
    try (InputStream in = ImageReferenceTest.class.getResourceAsStream(VECTORS)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + VECTORS);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      List<String[]> current = null;
      for (String line; (line = reader.readLine()) != null; ) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        if (line.matches("\\[[a-z-]+\\]")) {
          current = sections.computeIfAbsent(line.substring(1, line.length() - 1), k -> new ArrayList<>());
        } else if (current == null) {
          throw new IllegalStateException("vector outside a section: " + line);
        } else {
          current.add(line.split("\\s+"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sections;
  }
}
