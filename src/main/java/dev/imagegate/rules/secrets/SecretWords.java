package dev.imagegate.rules.secrets;

import static java.util.Map.entry;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Whether a variable's name says it holds a secret. Names are split into words ({@code _ - .} and
 * camelCase) and only whole words count: {@code TOKENIZER_MODEL} and {@code SECRETARY_NAME} name no
 * secret, {@code DB_PASSWORD}, {@code clientSecret} and {@code NPM_TOKEN2} do.
 */
final class SecretWords {
  private static final Pattern WORD_BREAK =
      Pattern.compile("[_\\-.\\s]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])");
  private static final Pattern TRAILING_DIGITS = Pattern.compile("\\d+$");

  /** Two-word names; {@code API_KEY}, {@code apiKey} and {@code APIKEY} all name an API key. */
  static final Map<String, String> PHRASES =
      Map.ofEntries(
          entry("API KEY", "an API key"),
          entry("PRIVATE KEY", "a private key"),
          entry("ACCESS KEY", "an access key"),
          entry("SECRET KEY", "a secret key"),
          entry("SIGNING KEY", "a signing key"),
          entry("ENCRYPTION KEY", "an encryption key"),
          entry("MASTER KEY", "a master key"),
          // WORDPRESS_AUTH_KEY (a wp-config key), TS_AUTHKEY (Tailscale's image)
          entry("AUTH KEY", "an auth key"),
          // NEW_RELIC_LICENSE_KEY: the key agents send data with
          entry("LICENSE KEY", "a license key"),
          // RABBITMQ_ERLANG_COOKIE, an Elixir release's RELEASE_COOKIE: whoever has it controls the node
          entry("ERLANG COOKIE", "an Erlang cookie"),
          entry("RELEASE COOKIE", "an Erlang cookie"),
          // redis-cli's password variable
          entry("REDISCLI AUTH", "a password"));

  private static final Map<String, String> JOINED_PHRASES =
      PHRASES.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().replace(" ", ""), Map.Entry::getValue));

  static final Map<String, String> WORDS =
      Map.ofEntries(
          entry("PASSWORD", "a password"),
          entry("PASSWORDS", "passwords"),
          entry("PASSWD", "a password"),
          // libpq's password variable, read by psql, pg_dump and every libpq client
          entry("PGPASSWORD", "a password"),
          entry("PASS", "a password"),
          // Also the shell's working directory, whose value is a path: HarmlessValues lets that pass.
          entry("PWD", "a password"),
          entry("PASSPHRASE", "a passphrase"),
          entry("SECRET", "a secret"),
          entry("SECRETS", "secrets"),
          entry("TOKEN", "a token"),
          entry("TOKENS", "tokens"),
          entry("CREDENTIAL", "a credential"),
          entry("CREDENTIALS", "credentials"),
          entry("CREDS", "credentials"));

  /**
   * A last word that says what the value is, and it is not the secret: {@code PYTHON_SHA256},
   * {@code TOKEN_URL}, {@code SECRET_NAME} (a Kubernetes Secret's name), {@code PASSWORD_MIN_LENGTH},
   * {@code REGISTRY_AUTH_TOKEN_REALM}. {@code FILE}: Docker's {@code *_FILE} convention, where the
   * value names the file to read the secret from, absolute or relative
   * ({@code MINIO_ROOT_PASSWORD_FILE=secret_key} is read from {@code /run/secrets}); grafana's
   * {@code GF_SECURITY_ADMIN_PASSWORD__FILE} too.
   */
  static final Set<String> HARMLESS_LAST_WORDS =
      Set.of(
          "VERSION", "SHA", "SHA1", "SHA256", "SHA512", "MD5", "CHECKSUM", "PATH", "DIR", "FILE", "FILES", "FILENAME",
          "URL", "URI", "ENDPOINT", "HOST", "PORT", "NAME", "TYPE", "LENGTH", "TTL", "TIMEOUT", "EXPIRY", "EXPIRES",
          "EXPIRATION", "LIFETIME", "ENABLED", "HEADER", "REALM", "ISSUER", "AUDIENCE", "SERVICE", "ALGORITHM");

  private SecretWords() {}

  /** What secret {@code key} names, e.g. {@code a password}; empty when it names none. */
  static Optional<String> namedBy(String key) {
    List<String> words = words(key);
    if (words.isEmpty() || HARMLESS_LAST_WORDS.contains(words.get(words.size() - 1))) {
      return Optional.empty();
    }
    for (int i = 0; i < words.size(); i++) {
      String word = withoutNumber(words.get(i));
      if (i + 1 < words.size()) {
        String phrase = PHRASES.get(word + " " + withoutNumber(words.get(i + 1)));
        if (phrase != null) {
          return Optional.of(phrase);
        }
      }
      String kind = JOINED_PHRASES.getOrDefault(word, WORDS.get(word));
      if (kind != null) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  /** {@code DB_PASSWORD} is {@code [DB, PASSWORD]}; {@code apiKey} is {@code [API, KEY]}. */
  static List<String> words(String key) {
    return Arrays.stream(WORD_BREAK.split(key.strip()))
        .filter(word -> !word.isEmpty())
        .map(word -> word.toUpperCase(Locale.ROOT))
        .toList();
  }

  /** {@code TOKEN2} is a second token; {@code SHA256} keeps its number, it is only compared whole. */
  private static String withoutNumber(String word) {
    return TRAILING_DIGITS.matcher(word).replaceFirst("");
  }
}
