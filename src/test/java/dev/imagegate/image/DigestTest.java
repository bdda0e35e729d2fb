package dev.imagegate.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Digests as go-digest checks them; how a reference's digest is refused is in {@link ImageReferenceTest}. */
class DigestTest {
  private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);
  private static final String EMPTY_OBJECT_SHA256 = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

  @Test
  void parsesAndWritesTheSameText() {
    Digest digest = Digest.parse(EMPTY_OBJECT_SHA256);

    assertThat(digest.algorithm()).isEqualTo("sha256");
    assertThat(digest.hex()).hasSize(64);
    assertThat(digest).hasToString(EMPTY_OBJECT_SHA256).isEqualTo(Digest.parse(EMPTY_OBJECT_SHA256));
  }

  static Stream<String> notDigests() {
    // normalize_test.go TestInvalidReferenceComponents: WithDigest(ref, "foo") fails.
    return Stream.of("foo", "sha256:abc", "md5:" + "a".repeat(32), "sha256:" + "F".repeat(64), "sha256:" + "g".repeat(64),
        "", null, "a-".repeat(100_000) + "a:" + "0".repeat(64));
  }

  @ParameterizedTest
  @MethodSource("notDigests")
  void refusesWhatIsNoDigestSayingWhy(String text) {
    assertThatThrownBy(() -> Digest.parse(text))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageStartingWith("digest ")
        .hasMessageContaining(" is invalid: ");
    assertThat(Digest.tryParse(text)).isEmpty();
  }

  @Test
  void saysWhichPartIsWrong() {
    assertThatThrownBy(() -> Digest.parse("sha256:abc")).hasMessageEndingWith("expected algorithm:hex, e.g. sha256:<64 hex characters>");
    assertThatThrownBy(() -> Digest.parse("sha256:" + "a".repeat(63))).hasMessageEndingWith("sha256 needs 64 hex characters, found 63");
    assertThatThrownBy(() -> Digest.parse("sha1:" + "a".repeat(40))).hasMessageEndingWith("unsupported digest algorithm \"sha1\" (use sha256, sha384 or sha512)");
    assertThatThrownBy(() -> Digest.parse("sha256:" + "A".repeat(64))).hasMessageEndingWith("hex must use lowercase a-f");
  }

  @Test
  void onlyValidDigestsCanBeBuilt() {
    assertThatThrownBy(() -> new Digest("sha256", "abc")).isInstanceOf(InvalidReferenceException.class);
    assertThatThrownBy(() -> new Digest("md5", "a".repeat(32))).isInstanceOf(InvalidReferenceException.class);
    assertThat(new Digest("sha512", "0".repeat(128))).hasToString("sha512:" + "0".repeat(128));
  }

  @Test
  void contentIsCheckedWithTheDigestsOwnAlgorithm() {
    Digest sha256 = Digest.sha256(EMPTY_OBJECT);

    assertThat(sha256).hasToString(EMPTY_OBJECT_SHA256);
    assertThat(sha256.matches(EMPTY_OBJECT)).isTrue();
    assertThat(sha256.matches("{ }".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(Digest.parse("sha512:" + "0".repeat(128)).matches(EMPTY_OBJECT)).isFalse();
    assertThat(Digest.parse("sha384:d2a23bc783e3aa38f401e13c7488505137c4954a7fd88331f1597c5ff71111dc807c7370a5b282c6da541c56ede69f30")
        .matches(EMPTY_OBJECT)).isTrue();
    assertThat(Digest.parse("sha512:27c74670adb75075fad058d5ceaf7b20c4e7786c83bae8a32f626f9782af34c9"
        + "a33c2046ef60fd2a7878d378e29fec851806bbd9a67878f3a9f1cda4830763fd").matches(EMPTY_OBJECT)).isTrue();
  }
}
