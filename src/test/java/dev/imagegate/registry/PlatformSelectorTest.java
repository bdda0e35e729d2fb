package dev.imagegate.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformSelectorTest {
  private static IndexEntry entry(String digest, String os, String architecture) {
    return new IndexEntry(digest, os, architecture, null, null);
  }

  @Test
  void choosesEveryLinuxAndWindowsEntryInIndexOrder() {
    List<IndexEntry> index = List.of(entry("a", "linux", "arm64"), entry("b", "linux", "ppc64le"), entry("c", "linux", "amd64"),
        entry("d", "windows", "amd64"));

    assertThat(PlatformSelector.select(index)).extracting(IndexEntry::digest).containsExactly("a", "b", "c", "d");
  }

  @Test
  void ignoresAttestationsEntriesWithoutPlatformAndOtherSystems() {
    List<IndexEntry> index = List.of(
        entry("a", "linux", "amd64"),
        entry("att", "unknown", "unknown"),
        new IndexEntry("att2", "linux", "amd64", null, Map.of("vnd.docker.reference.type", "attestation-manifest")),
        entry("n", null, null),
        entry("f", "freebsd", "amd64"));

    assertThat(PlatformSelector.select(index)).extracting(IndexEntry::digest).containsExactly("a");
  }

  @Test
  void aManifestListedTwiceIsReadOnce() {
    assertThat(PlatformSelector.select(List.of(entry("w", "windows", "amd64"), entry("w", "windows", "amd64"))))
        .extracting(IndexEntry::digest).containsExactly("w");
  }
}
