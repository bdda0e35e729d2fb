package dev.imagegate.rules;

import static dev.imagegate.rules.Containers.container;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagegate.config.ConfigException;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RunAsNonRootRuleTest {
  private final RunAsNonRootRule rule = new RunAsNonRootRule(new RunAsNonRootRule.Options(null));
  private final RunAsNonRootRule numericOnly = new RunAsNonRootRule(new RunAsNonRootRule.Options(true));

  private static List<String> messages(Rule rule, ContainerContext container, ImageFacts image) {
    return Violations.messages(rule, container, image);
  }

  @Test
  void idIsStable() {
    assertThat(rule.id()).isEqualTo("run-as-non-root").isEqualTo(RunAsNonRootRule.ID);
    assertThat(rule.needsImage()).isTrue();
  }

  @Test
  void officialNginxWithoutUserRunsAsRoot() {
    assertThat(messages(rule, container().build(), ImageConfigs.load(ImageConfigs.NGINX)))
        .containsExactly("image runs as root (no USER); add USER 1000 to the Dockerfile or set runAsUser: 1000");
  }

  @Test
  void distrolessNonrootUser65532Passes() {
    assertThat(messages(rule, container().build(), ImageConfigs.load(ImageConfigs.DISTROLESS_NONROOT))).isEmpty();
  }

  @Test
  void distrolessRootUser0Fails() {
    assertThat(messages(rule, container().build(), ImageConfigs.load(ImageConfigs.DISTROLESS_ROOT)))
        .containsExactly("image USER \"0\" is root; use a non-root USER such as 1000 or set runAsUser: 1000");
  }

  @Test
  void kongNamedUserPasses() {
    assertThat(messages(rule, container().build(), ImageConfigs.load(ImageConfigs.KONG))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "root", "0", "000", " 0 ", "root:root", "0:0", "root:nginx", "0:1000", ":1000"})
  void imageUserThatIsUid0Fails(String user) {
    assertThat(messages(rule, container().build(), ImageConfigs.withUser(user))).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"65532", "65532:65532", " 1000 ", "1000:0", "101"})
  void numericNonZeroImageUserPasses(String user) {
    assertThat(messages(numericOnly, container().build(), ImageConfigs.withUser(user))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"kong", "nonroot:nonroot", "nginx", "appuser"})
  void namedImageUserPassesByDefault(String user) {
    assertThat(messages(rule, container().build(), ImageConfigs.withUser(user))).isEmpty();
  }

  @Test
  void namedImageUserPassesWhenRunAsNonRootIsFalse() {
    assertThat(messages(rule, container().runAsNonRoot(false).build(), ImageConfigs.withUser("nginx"))).isEmpty();
  }

  @Test
  void namedImageUserWithRunAsNonRootFailsBecauseKubeletCannotVerifyIt() {
    assertThat(messages(rule, container().runAsNonRoot(true).build(), ImageConfigs.withUser("nonroot:nonroot")))
        .containsExactly(
            "kubelet can't verify runAsNonRoot for named USER \"nonroot:nonroot\" and won't start it;"
                + " use a numeric USER or runAsUser");
  }

  @Test
  void namedImageUserFailsWhenNumericUserIsRequired() {
    assertThat(messages(numericOnly, container().build(), ImageConfigs.withUser("kong")))
        .containsExactly("image USER \"kong\" is not numeric; use a numeric USER (e.g. 1000) or set runAsUser");
  }

  @Test
  void numericRunAsUserOverridesRootImage() {
    assertThat(messages(rule, container().runAsUser(1000).build(), ImageConfigs.withUser(""))).isEmpty();
    assertThat(messages(rule, container().runAsUser(1000).runAsNonRoot(true).build(), ImageConfigs.withUser("root"))).isEmpty();
  }

  @Test
  void numericRunAsUserSatisfiesRequireNumericUserWhateverTheImageUser() {
    assertThat(messages(numericOnly, container().runAsUser(65532).runAsNonRoot(true).build(), ImageConfigs.withUser("kong")))
        .isEmpty();
  }

  @Test
  void runAsUser0FailsEvenWithNonRootImage() {
    assertThat(messages(rule, container().runAsUser(0).build(), ImageConfigs.withUser("65532")))
        .containsExactly("securityContext.runAsUser is 0 (root); set a non-zero runAsUser such as 1000");
  }

  @Test
  void runAsUser0ContradictsRunAsNonRoot() {
    assertThat(messages(rule, container().runAsUser(0).runAsNonRoot(true).build(), ImageConfigs.withUser("65532")))
        .containsExactly("runAsUser 0 (root) contradicts runAsNonRoot: true; set a non-zero runAsUser such as 1000");
  }

  @Test
  void rootImageFailsEvenWhenRunAsNonRootIsSet() {
    assertThat(messages(rule, container().runAsNonRoot(true).build(), ImageConfigs.withUser("root"))).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(ContainerKind.class)
  void everyContainerKindIsJudgedBecauseRootIsRoot(ContainerKind kind) {
    assertThat(messages(rule, container().kind(kind).build(), ImageConfigs.withUser(""))).hasSize(1);
  }

  @Test
  void imageUserIsQuotedWithoutControlCharacters() {
    List<String> messages = messages(numericOnly, container().build(), ImageConfigs.withUser("app\u001b[2J\nuser\u202e"));
    assertThat(messages).containsExactly("image USER \"app[2Juser\" is not numeric; use a numeric USER (e.g. 1000) or set runAsUser");
  }

  @Test
  void optionsDefaultWhenTheRuleIsNotConfigured() {
    RunAsNonRootRule configured = new RunAsNonRootRule(ImagegateConfig.defaults());
    assertThat(messages(configured, container().build(), ImageConfigs.withUser("kong"))).isEmpty();
  }

  @Test
  void requireNumericUserIsReadFromTheConfiguration() {
    RunAsNonRootRule configured =
        new RunAsNonRootRule(Violations.configWithOptions(RunAsNonRootRule.ID, Map.of("requireNumericUser", true)));
    assertThat(messages(configured, container().build(), ImageConfigs.withUser("kong"))).hasSize(1);
  }

  @Test
  void misspeltOptionFailsAtStartUp() {
    ImagegateConfig config = Violations.configWithOptions(RunAsNonRootRule.ID, Map.of("requireNumericUsers", true));
    assertThatThrownBy(() -> new RunAsNonRootRule(config)).isInstanceOf(ConfigException.class);
  }

  // ---- Windows ---------------------------------------------------------------------------------

  private static ImageFacts windows(String user) {
    return new ImageFacts("windows/amd64", "sha256:w", user, null, List.of(), List.of(), 0, 0, "10.0.20348.2227");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ContainerAdministrator", "containeradministrator", "CONTAINERADMINISTRATOR"})
  void windowsImageUserContainerAdministratorInAnyCaseIsTheAdministrator(String user) {
    assertThat(messages(rule, container().build(), windows(user)))
        .containsExactly("image USER \"" + user + "\" is the administrator; use USER ContainerUser or runAsUserName");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ContainerUser", "app", "NT AUTHORITY\\NETWORK SERVICE"})
  void windowsImageUserContainerUserAndOtherAccountsPass(String user) {
    assertThat(messages(rule, container().build(), windows(user))).isEmpty();
    assertThat(messages(numericOnly, container().build(), windows(user))).as("UIDs are a linux notion").isEmpty();
  }

  @Test
  void windowsImageWithoutUserRunsAsContainerAdministrator() {
    assertThat(messages(rule, container().build(), windows("")))
        .containsExactly("image runs as ContainerAdministrator (no USER); add USER ContainerUser or set runAsUserName: ContainerUser");
  }

  @Test
  void windowsRunAsUserNameOverridesTheImageUser() {
    assertThat(messages(rule, container().windowsUserName("ContainerUser").build(), windows("ContainerAdministrator"))).isEmpty();
    assertThat(messages(rule, container().windowsUserName("containerAdministrator").build(), windows("ContainerUser")))
        .containsExactly("windowsOptions.runAsUserName \"containerAdministrator\" is the administrator; use ContainerUser");
  }

  @Test
  void linuxRunAsUserDoesNotApplyOnWindows() {
    assertThat(messages(rule, container().runAsUser(1000).build(), windows(""))).hasSize(1);
    assertThat(messages(rule, container().runAsUser(0).build(), windows("ContainerUser"))).isEmpty();
  }

  @Test
  void windowsRunAsUserNameDoesNotApplyOnLinux() {
    assertThat(messages(rule, container().windowsUserName("ContainerUser").build(), ImageConfigs.load(ImageConfigs.NGINX))).hasSize(1);
  }

  // ---- user namespaces ---------------------------------------------------------------------------

  private final RunAsNonRootRule userNamespaces = new RunAsNonRootRule(new RunAsNonRootRule.Options(null, true));

  @Test
  void withAllowUserNamespacesAPodWithoutHostUsersMayRunAsUid0() {
    assertThat(messages(userNamespaces, container().hostUsers(false).build(), ImageConfigs.load(ImageConfigs.NGINX))).isEmpty();
    assertThat(messages(userNamespaces, container().hostUsers(false).runAsUser(0).build(), ImageConfigs.load(ImageConfigs.DISTROLESS_NONROOT)))
        .isEmpty();
  }

  @Test
  void withAllowUserNamespacesAPodSharingTheHostUsersIsJudgedAsUsual() {
    assertThat(messages(userNamespaces, container().hostUsers(true).build(), ImageConfigs.load(ImageConfigs.NGINX))).hasSize(1);
    assertThat(messages(userNamespaces, container().build(), ImageConfigs.load(ImageConfigs.NGINX))).hasSize(1);
  }

  @Test
  void withAllowUserNamespacesWhatTheKubeletRefusesToStartStillCounts() {
    assertThat(messages(userNamespaces, container().hostUsers(false).runAsUser(0).runAsNonRoot(true).build(),
        ImageConfigs.load(ImageConfigs.NGINX))).containsExactly(
            "runAsUser 0 (root) contradicts runAsNonRoot: true; set a non-zero runAsUser such as 1000");
  }

  @Test
  void userNamespacesAreNotAllowedByDefault() {
    assertThat(messages(rule, container().hostUsers(false).build(), ImageConfigs.load(ImageConfigs.NGINX))).hasSize(1);
    assertThat(new RunAsNonRootRule(ImagegateConfig.defaults()).check(container().hostUsers(false).build(),
        ImageConfigs.load(ImageConfigs.NGINX))).hasSize(1);
  }

  @Test
  void allowUserNamespacesIsReadFromTheConfiguration() {
    RunAsNonRootRule configured =
        new RunAsNonRootRule(Violations.configWithOptions(RunAsNonRootRule.ID, Map.of("allowUserNamespaces", true)));
    assertThat(configured.check(container().hostUsers(false).build(), ImageConfigs.load(ImageConfigs.NGINX))).isEmpty();
  }
}
