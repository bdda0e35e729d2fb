package dev.imagegate.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.tools.jib.api.Credential;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryCredentialsTest {
  @TempDir Path tmp;

  @Test
  void findsTheEntryForTheHostAndDockerHubAliases() throws Exception {
    Path config = RegistryTesting.dockerConfig(tmp, "registry.example.com:5000", "robot", "t0ken");
    Path hub = RegistryTesting.dockerConfig(tmp, "https://index.docker.io/v1/", "hubuser", "hubpass");

    assertThat(new RegistryCredentials(config.toString(), e -> {}).forHost("registry.example.com:5000"))
        .contains(Credential.from("robot", "t0ken"));
    assertThat(new RegistryCredentials(config.toString(), e -> {}).forHost("other.example.com")).isEmpty();
    assertThat(new RegistryCredentials(hub.toString(), e -> {}).forHost(RegistryEndpoints.DOCKER_HUB_API))
        .contains(Credential.from("hubuser", "hubpass"));
  }

  @Test
  void noFileMeansAnonymous() throws Exception {
    assertThat(new RegistryCredentials(tmp.resolve("absent.json").toString(), e -> {}).forHost("ghcr.io")).isEmpty();
    assertThat(new RegistryCredentials(null, e -> {}).forHost("ghcr.io")).isEmpty();
  }

  @Test
  void aMalformedFileIsReportedWithoutItsContent() throws Exception {
    Path config = Files.writeString(tmp.resolve("config.json"), "{\"auths\":{\"ghcr.io\":{\"auth\":\"c2VjcmV0LXZhbHVl\" oops}}}");

    assertThatThrownBy(() -> new RegistryCredentials(config.toString(), e -> {}).forHost("ghcr.io"))
        .isInstanceOf(ImageFetchException.class)
        .hasMessageStartingWith("cannot read registry credentials from " + config + ": malformed JSON at line 1")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("c2VjcmV0LXZhbHVl").doesNotContain("oops"))
        .extracting(e -> ((ImageFetchException) e).reason())
        .isEqualTo(ErrorReason.INVALID);
  }
}
