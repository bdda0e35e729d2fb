package dev.imagegate.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagegate.config.ConfigException;
import dev.imagegate.config.RegistrySettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformSelectorTest {
  private static final PlatformSelector DEFAULTS = new PlatformSelector(RegistrySettings.DEFAULT_PLATFORMS);

  private static IndexEntry entry(String digest, String os, String architecture) {
    return new IndexEntry(digest, os, architecture, null);
  }

  @Test
  void choosesTheConfiguredPlatformsInIndexOrder() {
    List<IndexEntry> index =
        List.of(entry("a", "linux", "arm64"), entry("b", "linux", "ppc64le"), entry("c", "linux", "amd64"), entry("d", "windows", "amd64"));

    assertThat(DEFAULTS.select(index)).extracting(IndexEntry::digest).containsExactly("a", "c");
  }

  @Test
  void ignoresAttestations() {
    List<IndexEntry> index =
        List.of(
            entry("a", "linux", "amd64"),
            entry("att", "unknown", "unknown"),
            new IndexEntry("att2", "linux", "amd64", Map.of("vnd.docker.reference.type", "attestation-manifest")));

    assertThat(DEFAULTS.select(index)).extracting(IndexEntry::digest).containsExactly("a");
  }

  @Test
  void fallsBackToEveryLinuxEntry() {
    List<IndexEntry> index = List.of(entry("s", "linux", "s390x"), entry("w", "windows", "amd64"), entry("r", "linux", "riscv64"), entry("u", "unknown", "unknown"));

    assertThat(DEFAULTS.select(index)).extracting(IndexEntry::digest).containsExactly("s", "r");
  }

  @Test
  void choosesNothingWithoutLinux() {
    assertThat(DEFAULTS.select(List.of(entry("w", "windows", "amd64"), entry("n", null, null)))).isEmpty();
  }

  @Test
  void platformsWithVariantsMatchOnOsAndArchitecture() {
    PlatformSelector armV7 = new PlatformSelector(List.of("linux/arm/v7"));

    assertThat(armV7.select(List.of(entry("a", "linux", "arm"), entry("b", "linux", "arm64")))).extracting(IndexEntry::digest).containsExactly("a");
  }

  @Test
  void invalidPlatformsAreAConfigurationError() {
    assertThatThrownBy(() -> new PlatformSelector(List.of("linux"))).isInstanceOf(ConfigException.class).hasMessageContaining("registries.platforms");
  }
}
