package dev.imagegate.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagegate.config.ConfigException;
import dev.imagegate.config.RegistrySettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryEndpointsTest {
  private static RegistryEndpoints endpoints(Map<String, String> mirrors, List<String> insecure) {
    return new RegistryEndpoints(new RegistrySettings(mirrors, insecure, null, null, null, null));
  }

  @Test
  void dockerHubIsReachedAtItsApiHostOverHttps() {
    assertThat(endpoints(Map.of(), List.of()).forRegistry("docker.io"))
        .isEqualTo(new RegistryEndpoint("docker.io", "registry-1.docker.io", false, false));
  }

  @Test
  void otherRegistriesAreReachedAsWrittenOverHttpsUnlessInsecure() {
    RegistryEndpoints endpoints = endpoints(Map.of(), List.of("registry.local:5000"));

    assertThat(endpoints.forRegistry("ghcr.io")).isEqualTo(new RegistryEndpoint("ghcr.io", "ghcr.io", false, false));
    assertThat(endpoints.forRegistry("registry.local:5000")).isEqualTo(new RegistryEndpoint("registry.local:5000", "registry.local:5000", true, false));
    assertThat(endpoints.forRegistry("registry.local:5001").plainHttp()).isFalse();
  }

  @Test
  void mirrorsReplaceTheRegistryAndTheirSchemeDecidesHttp() {
    RegistryEndpoints endpoints =
        endpoints(
            Map.of("docker.io", "http://127.0.0.1:5000", "ghcr.io", "https://mirror.example.com/", "quay.io", "mirror.local:5000"),
            List.of("mirror.local:5000"));

    assertThat(endpoints.forRegistry("docker.io")).isEqualTo(new RegistryEndpoint("docker.io", "127.0.0.1:5000", true, true));
    assertThat(endpoints.forRegistry("ghcr.io")).isEqualTo(new RegistryEndpoint("ghcr.io", "mirror.example.com", false, true));
    assertThat(endpoints.forRegistry("quay.io")).isEqualTo(new RegistryEndpoint("quay.io", "mirror.local:5000", true, true));
  }

  @Test
  void dockerHubAliasesShareTheMirror() {
    RegistryEndpoints endpoints = endpoints(Map.of("index.docker.io", "http://127.0.0.1:5000"), List.of());

    assertThat(endpoints.forRegistry("docker.io").host()).isEqualTo("127.0.0.1:5000");
  }

  @Test
  void mirrorsWithAPathAreRejected() {
    assertThatThrownBy(() -> endpoints(Map.of("docker.io", "https://mirror.example.com/v2/proxy"), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("registries.mirrors.docker.io");
    assertThatThrownBy(() -> endpoints(Map.of("docker.io", "ftp://mirror.example.com"), List.of()))
        .isInstanceOf(ConfigException.class);
  }
}
