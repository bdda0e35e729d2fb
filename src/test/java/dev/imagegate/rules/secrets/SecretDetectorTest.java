package dev.imagegate.rules.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretDetectorTest {
  /** Random-looking, so only the name can make it a secret. */
  private static final String OPAQUE = "Zq8wL2vR9tYx4Kp";

  private final SecretDetector detector = new SecretDetector(List.of());

  private Optional<String> detect(String key, String value) {
    return detector.detect(new EnvEntry(key, value, Place.IMAGE_ENV));
  }

  @ParameterizedTest(name = "{1}: {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "AKIAIOSFODNN7EXAMPLE | an AWS access key id",
        "ASIAY34FZKBOKMUTVV7A | an AWS access key id",
        "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d | a GitHub token",
        "gho_C3J27XDCG2LmlZGEONYlgCtjfIZ4SOcMz9CP | a GitHub token",
        "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 | a GitHub token",
        "glpat-vftva9AW7hipTgadDZFl | a GitLab token",
        "glrt-t1_Zq8wL2vR9tYx4KpHs3Nd | a GitLab token",
        "glptt-0cb8d3b5a1f2e4c6b7a8d9e0f1a2b3c4d5e6f7a8 | a GitLab token",
        "gldt-Hq3Nd8Wm5Tz1Kb6Pd3Hs | a GitLab token",
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx | a Slack token",
        "https://hooks.slack.com/services/T024BE7LD/B01ABCDEF12/4fG7hJ2kL9mN3pQ6rS8tV1wX | a Slack webhook URL",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc | a Stripe live key",
        "rk_live_ofA75UyiCDmO46ayJKP4GY08 | a Stripe live key",
        "npm_KLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFR | an npm token",
        "pypi-AgEIcHlwaS5vcmcRJmCGmUXiAPyhzAnar3ZLt4bnlz2MPKgcjnCqaXNv1syeefnLOpaMxxNDi9L | a PyPI token",
        "dckr_pat_E1Ki3ylOjt6o0NpUmkVO8JmR8y4 | a Docker Hub token",
        "AIzaEMfAdggcG9qpVTzqA05MFsHl7UeioEJP2NN | a Google API key",
        "sk-proj-ern66nVberACpdclsxHKT3BlbkFJifxi5CvQUSHL8iLc7bE6 | an OpenAI API key",
        "sk-ant-api03-wSt9cbMOeEeUtuieeCIxVc57VVTiY96vwfRE5e32A8Yb3FKaNQyyLaMeffOhq4AUvy7VSLDCD1IfHWGbtMfEbo9ShFXNQ | an Anthropic API key",
        "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 | a SendGrid API key",
        "DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=OHFRuT11NCue1cr3McRTrKwtPYKbPizDmbX1rpXjYdOhCgOIPOZx9eRmm0EqlTaWEITclorXwIS8HGNWkz2YS5==;EndpointSuffix=core.windows.net | an Azure storage account key",
        "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC | a PEM private key",
        "-----BEGIN RSA PRIVATE KEY----- MIIEowIBAAKCAQEA | a PEM private key",
        "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA | a PEM private key",
        "-----BEGIN PGP PRIVATE KEY BLOCK----- lQOYBF | a PEM private key",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c | a JSON Web Token",
        "postgres://app:Vq7mK2pX9wLr@db.internal:5432/app | a URL with an embedded password",
        "redis://:p4ssw0rdXYZ@redis:6379/0 | a URL with an embedded password",
        "amqp://guest:s3cr3tpass@rabbitmq:5672 | a URL with an embedded password",
        "--registry https://ci:Hj5Ks9Qw2Lp@npm.example.com/ | a URL with an embedded password",
      })
  void wellKnownCredentialFormatIsFoundWhateverTheNameIs(String value, String kind) {
    assertThat(detect("SETTING", value.replace("\\n", "\n"))).contains(kind);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "7169605F62C751356D054A26A821E680E5FA6305",
        "c909157bb25ec114e5869124cc2a9c4a4d4c1e957ca4ff553f1edc692101154e",
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "1.27.3",
        "1~bookworm",
        "postgres://app:${DB_PASSWORD}@db:5432/app",
        "postgres://app:$(DB_PASSWORD)@db:5432/app",
        "mongodb://app:****@mongo:27017",
        "https://examplePublicKey@o0.ingest.sentry.io/0",
        "http://localhost:8080/health",
        "https://example.com/path:with@signs",
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host",
        "-----BEGIN PUBLIC KEY----- MIIBIjANBgkqhkiG9w0BAQEFAAOC",
        "-----BEGIN CERTIFICATE----- MIIDdzCCAl+gAwIBAgIE",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc_is_not_live",
      })
  void ordinaryValuesAreNotCredentials(String value) {
    assertThat(detect("SETTING", value)).isEmpty();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "DB_PASSWORD, a password",
    "MYSQL_PWD, a password",
    "SMTP_PASS, a password",
    "LDAP_PASSWD, a password",
    "DBPassword, a password",
    "db-password, a password",
    "SSL_PASSPHRASE, a passphrase",
    "clientSecret, a secret",
    "CLIENT_SECRET, a secret",
    "jwt.secret, a secret",
    "AWS_SECRET_ACCESS_KEY, a secret",
    "SECRET_KEY_BASE, a secret key",
    "STRIPE_API_KEY, an API key",
    "apiKey, an API key",
    "APIKEY, an API key",
    "x-api-key, an API key",
    "AUTH_TOKEN, a token",
    "NPM_TOKEN2, a token",
    "GITHUB_TOKENS, tokens",
    "GOOGLE_CREDENTIALS, credentials",
    "DOCKER_CREDS, credentials",
    "PRIVATE_KEY, a private key",
    "MINIO_ACCESS_KEY, an access key",
    "COSIGN_SIGNING_KEY, a signing key",
    "DATA_ENCRYPTION_KEY, an encryption key",
    "RAILS_MASTER_KEY, a master key",
    "PGPASSWORD, a password",
    "REDISCLI_AUTH, a password",
    "RABBITMQ_ERLANG_COOKIE, an Erlang cookie",
    "RELEASE_COOKIE, an Erlang cookie",
    "WORDPRESS_AUTH_KEY, an auth key",
    "WORDPRESS_SECURE_AUTH_KEY, an auth key",
    "TS_AUTHKEY, an auth key",
    "NEW_RELIC_LICENSE_KEY, a license key",
    "KEYCLOAK_ADMIN_PASSWORD, a password",
    "VAULT_DEV_ROOT_TOKEN_ID, a token",
  })
  void nameWithASecretWordMarksAnOpaqueValue(String key, String kind) {
    assertThat(detect(key, OPAQUE)).contains(kind);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "TOKENIZER_MODEL", "SECRETARY_NAME", "PASSENGER_COUNT", "BYPASS_CACHE", "KEYBOARD_LAYOUT", "PASSPORT_STRATEGY",
        "GPG_KEY", "GPG_KEYS", "KEY", "MONKEY_PATCH", "APP_VERSION"
      })
  void secretWordsCountOnlyAsWholeWords(String key) {
    assertThat(detect(key, OPAQUE)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "PYTHON_SHA256", "KONG_AMD64_SHA", "JWT_SECRET_SHA512", "TOKEN_VERSION", "TOKEN_URL", "OAUTH_TOKEN_ENDPOINT",
        "SECRET_NAME", "VAULT_SECRET_PATH", "SECRETS_DIR", "API_KEY_HEADER", "PASSWORD_MIN_LENGTH", "AUTH_TOKEN_TTL",
        "SECRET_TYPE", "REGISTRY_AUTH_TOKEN_REALM", "REGISTRY_AUTH_TOKEN_SERVICE", "REGISTRY_AUTH_TOKEN_ISSUER",
        "OIDC_TOKEN_AUDIENCE", "JWT_SECRET_ALGORITHM", "ACCESS_TOKEN_EXPIRY", "JWT_ACCESS_TOKEN_EXPIRES",
        "REFRESH_TOKEN_LIFETIME", "SESSION_TOKEN_EXPIRATION"
      })
  void lastWordThatSaysWhatTheValueIsMakesTheNameHarmless(String key) {
    assertThat(detect(key, OPAQUE)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "   ", "true", "FALSE", "yes", "off", "8", "3600", "-1", "/run/secrets/db-password", "./secrets/pw", "~/pw",
        "C:\\secrets\\pw", "changeme", "CHANGEME", "change_me", "changeit", "placeholder", "${DB_PASSWORD}",
        "$DB_PASSWORD", "$(DB_PASSWORD)", "<your-password>", "****", "xxxxxxxx", "\"\"", "'changeme'",
        "{{ .Values.db.password }}", "15m", "1h30m", "7d", "500ms"
      })
  void valueThatCannotBeASecretIsNotReportedByName(String value) {
    assertThat(detect("DB_PASSWORD", value)).isEmpty();
  }

  @Test
  void longNumberIsNotShortEnoughToBeHarmless() {
    assertThat(detect("DB_PASSWORD", "31415926535897")).contains("a password");
  }

  /** Docker's {@code *_FILE} convention: the value names the file, absolute or relative to {@code /run/secrets}. */
  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "POSTGRES_PASSWORD_FILE, /run/secrets/postgres-password",
    "POSTGRES_PASSWORD_FILE, postgres-password",
    "POSTGRES_PASSWORD_FILE, " + OPAQUE,
    "MINIO_ROOT_PASSWORD_FILE, secret_key",
    "MINIO_SECRET_KEY_FILE, secret_key",
    "MINIO_KMS_SECRET_KEY_FILE, kms_master_key",
    "SPRING_DATASOURCE_PASSWORD_FILE, /etc/secrets/db",
    "TOKEN_FILE, token",
    "GF_SECURITY_ADMIN_PASSWORD__FILE, /run/secrets/grafana-admin",
    "apiKeyFile, api-key.txt",
    "NEXTCLOUD_ADMIN_PASSWORD_FILE, nextcloud_admin_password",
  })
  void fileVariableNamesAFileWhateverItsValue(String key, String value) {
    assertThat(detect(key, value)).isEmpty();
  }

  @Test
  void fileVariableHoldingACredentialFormatStillFires() {
    assertThat(detect("MINIO_ROOT_PASSWORD_FILE", "AKIAIOSFODNN7EXAMPLE")).contains("an AWS access key id");
    assertThat(detect("TOKEN_FILE", "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d")).contains("a GitHub token");
    assertThat(detect("TLS_KEY_FILE", "-----BEGIN PRIVATE KEY----- MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"))
        .contains("a PEM private key");
  }

  @Test
  void shellWorkingDirectoryIsNotAPassword() {
    assertThat(detect("PWD", "/app")).isEmpty();
    assertThat(detect("PWD", OPAQUE)).contains("a password");
  }

  @Test
  void credentialFormatWinsOverAHarmlessLookingName() {
    assertThat(detect("GPG_KEY", "AKIAIOSFODNN7EXAMPLE")).contains("an AWS access key id");
    assertThat(detect("TOKEN_URL", "https://ci:Hj5Ks9Qw2Lp@auth.example.com/token")).contains("a URL with an embedded password");
  }

  @Test
  void allowedKeysAreExactCaseInsensitiveOrGlobAndSilenceEveryDetector() {
    SecretDetector allowing = new SecretDetector(List.of("db_password", "LEGACY_*", "SVC_?_TOKEN", "app.secret"));
    assertThat(allowing.detect(new EnvEntry("DB_PASSWORD", OPAQUE, Place.POD_ENV))).isEmpty();
    assertThat(allowing.detect(new EnvEntry("LEGACY_AWS_KEY", "AKIAIOSFODNN7EXAMPLE", Place.IMAGE_ENV))).isEmpty();
    assertThat(allowing.detect(new EnvEntry("SVC_A_TOKEN", OPAQUE, Place.IMAGE_ENV))).isEmpty();
    assertThat(allowing.detect(new EnvEntry("APP.SECRET", OPAQUE, Place.IMAGE_ENV))).isEmpty();

    assertThat(allowing.detect(new EnvEntry("DB_PASSWORD_2", OPAQUE, Place.IMAGE_ENV))).isPresent();
    assertThat(allowing.detect(new EnvEntry("SVC_AB_TOKEN", OPAQUE, Place.IMAGE_ENV))).isPresent();
    assertThat(allowing.detect(new EnvEntry("APPXSECRET", OPAQUE, Place.IMAGE_ENV))).isEmpty(); // no whole word
    assertThat(allowing.detect(new EnvEntry("APP_X_SECRET", OPAQUE, Place.IMAGE_ENV))).isPresent();
  }

  @Test
  void longValuesAreJudgedQuickly() {
    String hostile = "a".repeat(200_000) + "://" + "b".repeat(200_000) + "eyJ" + "c".repeat(200_000);
    assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThat(detect("DB_PASSWORD", hostile)).isPresent());
  }
}
