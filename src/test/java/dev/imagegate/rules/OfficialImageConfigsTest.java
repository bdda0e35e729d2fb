package dev.imagegate.rules;

import static dev.imagegate.rules.Containers.container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.image.ImageFacts;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every rule, the optional ones on, with its defaults against real image configs: no false positive on official images. */
class OfficialImageConfigsTest {
  static final List<Rule> RULES =
      RuleOrder.sorted(List.of(
          new RunAsNonRootRule(new RunAsNonRootRule.Options(null)),
          new RequireHealthcheckRule(new RequireHealthcheckRule.Options(null)),
          new DisallowLatestTagRule(new DisallowLatestTagRule.Options(null)),
          new NoSecretsInEnvRule(new NoSecretsInEnvRule.Options(null, null)),
          new NoSudoRule(new NoSudoRule.Options(null)),
          new NoSshPortRule(new NoSshPortRule.Options(null)),
          new NoRemoteAddRule(new NoRemoteAddRule.Options(null, null)),
          new NoBuildToolsRule(new NoBuildToolsRule.Options(null, null)),
          new AptListsCleanedRule(new AptListsCleanedRule.Options(null)),
          new ImageSizeRule(new ImageSizeRule.Options(null)),
          new PythonUnbufferedRule(new PythonUnbufferedRule.Options(null))));

  private static List<String> firedRules(ContainerContext container, ImageFacts image) {
    return RULES.stream().filter(rule -> !Violations.of(rule, container, image).isEmpty()).map(Rule::id).toList();
  }

  private static List<String> ids(String expected) {
    return expected == null ? List.of() : Arrays.asList(expected.split(" "));
  }

  @ParameterizedTest(name = "{0} breaks [{1}]")
  @CsvSource({
    "nginx-1.27, run-as-non-root require-healthcheck",
    "python-3.12, run-as-non-root require-healthcheck python-unbuffered",
    "postgres-16, run-as-non-root require-healthcheck",
    "redis-7.4, run-as-non-root require-healthcheck",
    "kong-3.9,",
    "alpine-3.20, run-as-non-root require-healthcheck",
    "distroless-static-nonroot, require-healthcheck",
    "distroless-static-root, run-as-non-root require-healthcheck",
    "careless-python-app, run-as-non-root no-secrets-in-env require-healthcheck no-sudo no-ssh-port no-remote-add no-build-tools"
        + " apt-lists-cleaned python-unbuffered",
  })
  void plainContainerBreaksOnlyTheExpectedRules(String fixture, String expected) {
    assertThat(firedRules(container().build(), ImageConfigs.load(fixture))).containsExactlyElementsOf(ids(expected));
  }

  @ParameterizedTest(name = "{0} breaks [{1}]")
  @CsvSource({
    "nginx-1.27,",
    "python-3.12,",
    "postgres-16,",
    "redis-7.4,",
    "kong-3.9,",
    "alpine-3.20,",
    "distroless-static-nonroot,",
    "distroless-static-root,",
  })
  void hardenedPodSpecFixesEveryOfficialImage(String fixture, String expected) {
    ContainerContext hardened = container().runAsUser(10001).runAsNonRoot(true).withProbe().env("PYTHONUNBUFFERED", "1").build();
    assertThat(firedRules(hardened, ImageConfigs.load(fixture))).containsExactlyElementsOf(ids(expected));
  }
}
