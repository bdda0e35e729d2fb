package dev.imagegate.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.image.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformSelectorTest {
  private static IndexEntry entry(String name, String os, String architecture) {
    return new IndexEntry(digest(name), os, architecture, null, null);
  }

  /** A distinct digest per name, so that the lists below read as names. */
  private static Digest digest(String name) {
    return Digest.sha256(name.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void choosesEveryLinuxAndWindowsEntryInIndexOrder() {
    List<IndexEntry> index = List.of(entry("a", "linux", "arm64"), entry("b", "linux", "ppc64le"), entry("c", "linux", "amd64"),
        entry("d", "windows", "amd64"));

    assertThat(PlatformSelector.select(index)).extracting(IndexEntry::digest).containsExactly(digest("a"), digest("b"), digest("c"), digest("d"));
  }

  @Test
  void ignoresAttestationsEntriesWithoutPlatformAndOtherSystems() {
    List<IndexEntry> index = List.of(
        entry("a", "linux", "amd64"),
        entry("att", "unknown", "unknown"),
        new IndexEntry(digest("att2"), "linux", "amd64", null, Map.of("vnd.docker.reference.type", "attestation-manifest")),
        entry("n", null, null),
        entry("f", "freebsd", "amd64"));

    assertThat(PlatformSelector.select(index)).extracting(IndexEntry::digest).containsExactly(digest("a"));
  }

  @Test
  void aManifestListedTwiceIsReadOnce() {
    assertThat(PlatformSelector.select(List.of(entry("w", "windows", "amd64"), entry("w", "windows", "amd64"))))
        .extracting(IndexEntry::digest).containsExactly(digest("w"));
  }
}
