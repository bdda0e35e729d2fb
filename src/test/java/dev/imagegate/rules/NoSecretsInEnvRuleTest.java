package dev.imagegate.rules;

import static dev.imagegate.rules.Containers.container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageConfigParser;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.history.BuildHistory;
import dev.imagegate.rules.secrets.EnvEntry;
import dev.imagegate.rules.secrets.HistoryEnv;
import dev.imagegate.rules.secrets.Place;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class NoSecretsInEnvRuleTest {
  private static final String FROM_SECRET = "; pass it at runtime from a Secret";
  private static final String SECRET_MOUNT = "; use RUN --mount=type=secret instead of ARG";
  private static final String SECRET_KEY_REF = "; use valueFrom.secretKeyRef instead of a literal value";

  /** Values planted in {@code leaky-app.json}. */
  private static final List<String> LEAKY_APP_SECRETS =
      List.of(
          "AKIAIOSFODNN7EXAMPLE",
          "Zq8wL2vR9tYx4Kp",
          "Vq7mK2pX9wLr",
          "npm_KLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFR",
          "Rj4Xv9Lp2Qs7Mn5",
          "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d",
          "sntrys_Hq3Nd8Wm5Tz1Kb6");

  static final List<String> officialImages = ImageConfigs.OFFICIAL;

  private final NoSecretsInEnvRule rule = new NoSecretsInEnvRule(new NoSecretsInEnvRule.Options(null, null));

  private List<String> messages(ContainerContext container, ImageFacts image) {
    return Violations.messages(rule, container, image);
  }

  @Test
  void idIsStable() {
    assertThat(rule.id()).isEqualTo("no-secrets-in-env").isEqualTo(NoSecretsInEnvRule.ID);
    assertThat(rule.needsImage()).isTrue();
  }

  @ParameterizedTest
  @FieldSource("officialImages")
  void officialImageHoldsNoSecret(String fixture) {
    assertThat(messages(container().build(), ImageConfigs.load(fixture))).isEmpty();
  }

  @Test
  void awsAccessKeyIdInImageEnvIsReported() {
    assertThat(messages(container().build(), ImageConfigs.withEnv("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE")))
        .containsExactly("image env \"AWS_ACCESS_KEY_ID\" holds an AWS access key id" + FROM_SECRET);
  }

  @Test
  void leakyImageReportsEachSecretOncePerPlace() {
    assertThat(messages(container().build(), ImageConfigs.load(ImageConfigs.LEAKY_APP)))
        .containsExactly(
            "image env \"AWS_ACCESS_KEY_ID\" holds an AWS access key id" + FROM_SECRET,
            "image env \"DB_PASSWORD\" holds a password" + FROM_SECRET,
            "image env \"DATABASE_URL\" holds a URL with an embedded password" + FROM_SECRET,
            "build argument in history \"NPM_TOKEN\" holds an npm token" + SECRET_MOUNT,
            "ENV in image history \"OLD_API_KEY\" holds an API key" + FROM_SECRET,
            "build argument in history \"GITHUB_TOKEN\" holds a GitHub token" + SECRET_MOUNT,
            "build argument in history \"SENTRY_AUTH_TOKEN\" holds a token" + SECRET_MOUNT);
  }

  @Test
  void imageWithMoreEnvAndHistoryThanCheckedIsNotPassedAsClean() throws Exception {
    // 1,500 env entries and 1,200 history lines, a secret among the checked ones: the parser keeps 1,000 of each.
    String env = IntStream.range(0, 1_500).mapToObj(i -> i == 10 ? "\"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\"" : "\"K" + i + "=v\"")
        .collect(Collectors.joining(","));
    String history = IntStream.range(0, 1_200).mapToObj(i -> "{\"created_by\":\"RUN step " + i + "\"}").collect(Collectors.joining(","));
    ImageFacts image = ImageConfigParser.parse("linux/amd64", "sha256:" + "5".repeat(64),
        ("{\"config\":{\"User\":\"1000\",\"Env\":[" + env + "]},\"history\":[" + history + "]}").getBytes(StandardCharsets.UTF_8));

    assertThat(messages(container().build(), image)).containsExactly(
        "image env \"AWS_ACCESS_KEY_ID\" holds an AWS access key id" + FROM_SECRET,
        "image env: 500 of 1500 entries not checked for secrets (past the first 1000); build with fewer",
        "image history: 200 of 1200 lines not checked for secrets (past the first 1000); build with fewer");
  }

  @Test
  void imageWhoseEnvOverflowsTheCharacterBudgetSaysHowManyEntriesWereLeftOut() {
    ImageFacts image = new ImageFacts("linux/amd64", "sha256:" + "6".repeat(64), "1000", null, List.of("A=1", "BIG=x"), List.of(), 3, 0);
    assertThat(messages(container().build(), image)).containsExactly(
        "image env: 3 of 5 entries not checked for secrets (past the first 2); build with fewer");
  }

  @Test
  void envOverriddenLaterIsStillReportedFromTheHistory() {
    ImageFacts image =
        new ImageFacts(
            "linux/amd64", null, "1000", null, List.of("DB_PASSWORD="),
            List.of("ENV DB_PASSWORD=Zq8wL2vR9tYx4Kp", "ENV DB_PASSWORD="));
    assertThat(messages(container().build(), image))
        .containsExactly("ENV in image history \"DB_PASSWORD\" holds a password" + FROM_SECRET);
  }

  @Test
  void sameBuildArgumentInManyLayersIsReportedOnce() {
    ImageFacts image =
        ImageConfigs.withHistory(
            "RUN |1 NPM_TOKEN=Zq8wL2vR9tYx4Kp /bin/sh -c npm ci # buildkit",
            "RUN |1 NPM_TOKEN=Zq8wL2vR9tYx4Kp /bin/sh -c npm run build # buildkit");
    assertThat(messages(container().build(), image)).hasSize(1);
  }

  @Test
  void podEnvLiteralIsReported() {
    assertThat(messages(container().env("DB_PASSWORD", "Zq8wL2vR9tYx4Kp").build(), ImageConfigs.withEnv()))
        .containsExactly("pod env \"DB_PASSWORD\" holds a password" + SECRET_KEY_REF);
  }

  @Test
  void withoutTheImageOnlyThePodEnvIsJudged() {
    ContainerContext container = container().env("DB_PASSWORD", "Zq8wL2vR9tYx4Kp").env("LOG_LEVEL", "debug").build();
    assertThat(rule.checkWithoutImage(container)).extracting(Violation::message)
        .containsExactly("pod env \"DB_PASSWORD\" holds a password" + SECRET_KEY_REF);
    assertThat(rule.checkWithoutImage(container().env("LOG_LEVEL", "debug").build())).isEmpty();
    assertThat(new NoSecretsInEnvRule(new NoSecretsInEnvRule.Options(null, false)).checkWithoutImage(container)).isEmpty();
  }

  @Test
  void sameKeyIsReportedOncePerPlace() {
    ContainerContext container = container().env("DB_PASSWORD", "Zq8wL2vR9tYx4Kp").build();
    assertThat(messages(container, ImageConfigs.withEnv("DB_PASSWORD=Zq8wL2vR9tYx4Kp")))
        .containsExactly(
            "image env \"DB_PASSWORD\" holds a password" + FROM_SECRET, "pod env \"DB_PASSWORD\" holds a password" + SECRET_KEY_REF);
  }

  @Test
  void podEnvIsIgnoredWhenCheckPodEnvIsOff() {
    NoSecretsInEnvRule imageOnly = new NoSecretsInEnvRule(new NoSecretsInEnvRule.Options(null, false));
    assertThat(Violations.messages(imageOnly, container().env("DB_PASSWORD", "Zq8wL2vR9tYx4Kp").build(), ImageConfigs.withEnv()))
        .isEmpty();
  }

  @Test
  void harmlessPodEnvIsNotReported() {
    ContainerContext container =
        container()
            .env("POSTGRES_PASSWORD_FILE", "/run/secrets/postgres-password")
            .env("PASSWORD_MIN_LENGTH", "8")
            .env("TOKENIZER_MODEL", "bert-base-uncased")
            .env("DB_PASSWORD", "")
            .env("LOG_LEVEL", "INFO")
            .build();
    assertThat(messages(container, ImageConfigs.withEnv())).isEmpty();
  }

  @Test
  void allowedKeysSilenceValueDetectorsToo() {
    NoSecretsInEnvRule allowing = new NoSecretsInEnvRule(new NoSecretsInEnvRule.Options(List.of("aws_*"), null));
    assertThat(Violations.messages(allowing, container().build(), ImageConfigs.withEnv("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE")))
        .isEmpty();
  }

  @Test
  void optionsAreReadFromTheConfiguration() {
    ImagegateConfig config =
        Violations.configWithOptions(NoSecretsInEnvRule.ID, Map.of("allowKeys", List.of("DB_PASSWORD"), "checkPodEnv", false));
    NoSecretsInEnvRule configured = new NoSecretsInEnvRule(config);
    ContainerContext container = container().env("API_TOKEN", "Zq8wL2vR9tYx4Kp").build();
    assertThat(Violations.messages(configured, container, ImageConfigs.withEnv("DB_PASSWORD=Zq8wL2vR9tYx4Kp"))).isEmpty();
  }

  @Test
  void defaultsCheckPodEnvAndAllowNoKey() {
    NoSecretsInEnvRule configured = new NoSecretsInEnvRule(ImagegateConfig.defaults());
    ContainerContext container = container().env("API_TOKEN", "Zq8wL2vR9tYx4Kp").build();
    assertThat(Violations.messages(configured, container, ImageConfigs.withEnv("DB_PASSWORD=Zq8wL2vR9tYx4Kp"))).hasSize(2);
  }

  @Test
  void nameThatIsItselfACredentialIsWithheld() {
    ContainerContext container = container().env("AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE").build();
    assertThat(messages(container, ImageConfigs.withEnv()))
        .containsExactly("pod env <name withheld> holds an AWS access key id" + SECRET_KEY_REF);
  }

  @Test
  void nameIsQuotedWithoutControlCharacters() {
    assertThat(messages(container().build(), ImageConfigs.withEnv("DB_\u001b[1mPASSWORD\r=Zq8wL2vR9tYx4Kp")))
        .containsExactly("image env \"DB_[1mPASSWORD\" holds a password" + FROM_SECRET);
  }

  @Test
  void secretValuesNeverAppearInMessagesOrToString() {
    List<String> planted = new ArrayList<>(LEAKY_APP_SECRETS);
    planted.addAll(List.of("Pd3Hs8Kw1Nq6Ty", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaGVja291dCJ9.Xk2Pq7Lm4Wv9Rs1Tz6Hb"));
    ContainerContext container =
        container().env("DB_PASSWORD", "Pd3Hs8Kw1Nq6Ty").env("SESSION", planted.get(planted.size() - 1)).build();
    ImageFacts image = ImageConfigs.load(ImageConfigs.LEAKY_APP);

    List<Violation> violations = Violations.of(rule, container, image);
    BuildHistory history = BuildHistory.of(image);
    List<EnvEntry> entries = HistoryEnv.entries(history);

    assertThat(violations).hasSize(9);
    List<String> texts =
        Stream.of(
                violations.stream().map(Violation::message),
                violations.stream().map(Violation::toString),
                entries.stream().map(EnvEntry::toString),
                Stream.of(entries.toString(), history.toString(), rule.toString(), new NoSecretsInEnvRule.Options(null, null).toString()),
                Stream.of(new EnvEntry("SESSION", planted.get(planted.size() - 1), Place.POD_ENV).toString()))
            .flatMap(s -> s)
            .toList();
    for (String secret : planted) {
      for (int i = 0; i + 6 <= secret.length(); i++) {
        String piece = secret.substring(i, i + 6);
        assertThat(texts).as("no text repeats %s... of a secret", piece).noneMatch(text -> text.contains(piece));
      }
    }
  }
}
