package dev.imagegate.registry.pullsecrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagegate.registry.pullsecrets.DockerKeyring.Credential;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kubelet's keyring semantics (k8s.io/kubernetes/pkg/credentialprovider). */
class DockerKeyringTest {
  private static Credential cred(String name) {
    return new Credential(name, name + "-pass", "secret ns/" + name);
  }

  private static DockerKeyring keyring(String... locationsAndNames) {
    Map<String, Credential> config = new LinkedHashMap<>();
    for (int i = 0; i < locationsAndNames.length; i += 2) {
      config.put(locationsAndNames[i], cred(locationsAndNames[i + 1]));
    }
    DockerKeyring keyring = new DockerKeyring();
    keyring.add(config);
    return keyring;
  }

  @Test
  void keysAreSchemelessHostsWithOptionalPathsAndV1V2MeanNoPath() {
    assertThat(DockerKeyring.key("https://index.docker.io/v1/")).isEqualTo("index.docker.io");
    assertThat(DockerKeyring.key("registry.example.com:5000")).isEqualTo("registry.example.com:5000");
    assertThat(DockerKeyring.key("http://registry.example.com:5000/")).isEqualTo("registry.example.com:5000");
    assertThat(DockerKeyring.key("https://quay.io/v2/team")).isEqualTo("quay.io/team");
    assertThat(DockerKeyring.key("Quay.IO/team/")).isEqualTo("quay.io/team/");
  }

  @Test
  void portsMustMatchExactly() {
    assertThat(DockerKeyring.matches("registry.example.com", "registry.example.com/team/app")).isTrue();
    assertThat(DockerKeyring.matches("registry.example.com", "registry.example.com:5000/team/app")).isFalse();
    assertThat(DockerKeyring.matches("registry.example.com:5000", "registry.example.com/team/app")).isFalse();
    assertThat(DockerKeyring.matches("127.0.0.1:5000", "127.0.0.1:5000/team/app")).isTrue();
  }

  @Test
  void wildcardsMatchOneHostNamePartEach() {
    assertThat(DockerKeyring.matches("*.example.com", "registry.example.com/app")).isTrue();
    assertThat(DockerKeyring.matches("*.example.com", "a.b.example.com/app")).isFalse();
    assertThat(DockerKeyring.matches("*.example.com", "example.com/app")).isFalse();
    assertThat(DockerKeyring.matches("*.*.example.com", "a.b.example.com/app")).isTrue();
    assertThat(DockerKeyring.matches("registry-?.example.com", "registry-1.example.com/app")).isTrue();
    assertThat(DockerKeyring.matches("registry-[0-9].example.com", "registry-7.example.com/app")).isTrue();
    assertThat(DockerKeyring.matches("registry-[0-9].example.com", "registry-x.example.com/app")).isFalse();
  }

  @Test
  void aKeyPathIsAPrefixOfTheImagePath() {
    assertThat(DockerKeyring.matches("quay.io/team", "quay.io/team/app")).isTrue();
    assertThat(DockerKeyring.matches("quay.io/team", "quay.io/other/app")).isFalse();
    // The kubelet compares strings: a path prefix need not end at a slash.
    assertThat(DockerKeyring.matches("quay.io/team", "quay.io/teamster/app")).isTrue();
  }

  @Test
  void everyMatchingKeyContributesMostSpecificFirst() {
    DockerKeyring keyring = keyring("quay.io", "host", "https://quay.io/team", "team", "*.quay.io", "sub", "quay.io/other", "other");

    assertThat(keyring.lookup("quay.io/team/app")).extracting(Credential::username).containsExactly("team", "host");
    assertThat(keyring.lookup("quay.io/else/app")).extracting(Credential::username).containsExactly("host");
    assertThat(keyring.lookup("eu.quay.io/team/app")).extracting(Credential::username).containsExactly("sub");
    assertThat(keyring.lookup("ghcr.io/team/app")).isEmpty();
  }

  @Test
  void dockerHubImagesUseTheIndexDockerIoEntryWhenNothingElseMatches() {
    DockerKeyring legacy = keyring("https://index.docker.io/v1/", "hub");
    DockerKeyring modern = keyring("docker.io", "hub2");

    assertThat(legacy.lookup("docker.io/library/nginx")).extracting(Credential::username).containsExactly("hub");
    assertThat(legacy.lookup("index.docker.io/library/nginx")).extracting(Credential::username).containsExactly("hub");
    assertThat(legacy.lookup("ghcr.io/library/nginx")).isEmpty();
    assertThat(modern.lookup("docker.io/library/nginx")).extracting(Credential::username).containsExactly("hub2");
  }

  @Test
  void dockerConfigJsonAuthWinsOverUsernameAndPassword() throws Exception {
    String auth = Base64.getEncoder().encodeToString("robot:s3cret:with:colons".getBytes(StandardCharsets.UTF_8));
    String json = "{\"auths\":{\"registry.example.com\":{\"username\":\"ignored\",\"password\":\"ignored\",\"auth\":\"" + auth + "\"},"
        + "\"other.example.com\":{\"username\":\"u\",\"password\":\"p\",\"email\":\"x@example.com\"}}}";

    Map<String, Credential> entries = DockerKeyring.parseDockerConfigJson(json.getBytes(StandardCharsets.UTF_8), "secret a/b");

    assertThat(entries.get("registry.example.com")).isEqualTo(new Credential("robot", "s3cret:with:colons", "secret a/b"));
    assertThat(entries.get("other.example.com")).isEqualTo(new Credential("u", "p", "secret a/b"));
    assertThat(entries.get("other.example.com").toString()).isEqualTo("Credential[secret a/b]");
  }

  @Test
  void legacyDockercfgHasNoAuthsWrapper() throws Exception {
    String auth = Base64.getEncoder().encodeToString("old:timer".getBytes(StandardCharsets.UTF_8));

    Map<String, Credential> entries = DockerKeyring.parseDockercfg(
        ("{\"https://registry.example.com\":{\"auth\":\"" + auth + "\",\"email\":\"x@example.com\"}}").getBytes(StandardCharsets.UTF_8), "secret a/old");

    assertThat(entries.get("https://registry.example.com")).isEqualTo(new Credential("old", "timer", "secret a/old"));
  }

  @Test
  void unreadableConfigsAreReportedWithoutTheirContent() {
    assertThatThrownBy(() -> DockerKeyring.parseDockerConfigJson("{\"auths\":{\"r\":{\"password\":\"hunter2\" oops".getBytes(StandardCharsets.UTF_8), "secret a/b"))
        .hasMessage("secret a/b: malformed JSON");
    String noColon = Base64.getEncoder().encodeToString("justatoken".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> DockerKeyring.parseDockerConfigJson(("{\"auths\":{\"r\":{\"auth\":\"" + noColon + "\"}}}").getBytes(StandardCharsets.UTF_8), "secret a/b"))
        .hasMessage("secret a/b: the \"auth\" of r is not user:password")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("justatoken"));
  }
}
