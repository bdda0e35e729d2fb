package dev.imagegate.rules.secrets;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A well-known credential format, recognised by its value whatever the variable is called.
 *
 * @param id stable name, used in docs and tests
 * @param description what the value is, as a message says it: {@code an AWS access key id}
 * @param regex found anywhere in the value; a named group {@code secret}, when present, must not be a
 *     placeholder ({@code postgres://app:${DB_PASSWORD}@db} holds no password)
 */
public record SecretPattern(String id, String description, Pattern regex) {
  private static final String SECRET_GROUP = "(?<secret>";

  /** Every format checked; each starts with a fixed marker, so false positives are rare. */
  public static final List<SecretPattern> WELL_KNOWN =
      List.of(
          of("aws-access-key-id", "an AWS access key id", "\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"),
          of("github-token", "a GitHub token", "\\bgh[opusr]_[A-Za-z0-9]{36}\\b"),
          of("github-fine-grained-token", "a GitHub token", "\\bgithub_pat_[A-Za-z0-9_]{22,255}"),
          of("gitlab-token", "a GitLab token", "\\bglpat-[A-Za-z0-9_\\-]{20,}"),
          of("slack-token", "a Slack token", "\\bxox[baprs]-[A-Za-z0-9\\-]{10,}"),
          of(
              "slack-webhook",
              "a Slack webhook URL",
              "hooks\\.slack\\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+"),
          of("stripe-live-key", "a Stripe live key", "\\b(?:sk|rk)_live_[A-Za-z0-9]{20,}"),
          of("npm-token", "an npm token", "\\bnpm_[A-Za-z0-9]{36}\\b"),
          of("pypi-token", "a PyPI token", "\\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\\-]{50,}"),
          of("docker-hub-token", "a Docker Hub token", "\\bdckr_pat_[A-Za-z0-9_\\-]{20,}"),
          of("google-api-key", "a Google API key", "\\bAIza[0-9A-Za-z_\\-]{35}"),
          of("openai-api-key", "an OpenAI API key", "\\bsk-[A-Za-z0-9_\\-]{0,60}T3BlbkFJ[A-Za-z0-9_\\-]{10,}"),
          of("anthropic-api-key", "an Anthropic API key", "\\bsk-ant-[a-z]{3,6}\\d{2}-[A-Za-z0-9_\\-]{40,}"),
          of("sendgrid-api-key", "a SendGrid API key", "\\bSG\\.[A-Za-z0-9_\\-]{22}\\.[A-Za-z0-9_\\-]{43}"),
          of("azure-storage-key", "an Azure storage account key", "AccountKey=[A-Za-z0-9+/]{40,}={0,2}"),
          of("private-key", "a PEM private key", "-----BEGIN [A-Z0-9 ]{0,32}PRIVATE KEY[A-Z ]{0,8}-----"),
          of(
              "jwt",
              "a JSON Web Token",
              "\\beyJ[A-Za-z0-9_\\-]{5,4096}\\.eyJ[A-Za-z0-9_\\-]{5,8192}\\.[A-Za-z0-9_\\-]{0,1024}"),
          // Bounded runs keep the search linear on long values; the scheme must start after a non-scheme char.
          of(
              "url-password",
              "a URL with an embedded password",
              "(?<![A-Za-z0-9+.\\-])[A-Za-z][A-Za-z0-9+.\\-]{0,30}://"
                  + "[^\\s/:@]{0,256}:(?<secret>[^\\s/@]{1,256})@[^\\s@]"));

  /**
   * Performance: literals each format's regex cannot match without (one of them), by id. A value
   * holding none of a format's literals is not searched with its regex: most values hold none of
   * any, and a {@code contains} costs a fraction of a regex search. Tests cover every format.
   */
  private static final Map<String, List<String>> LITERALS = Map.ofEntries(
      Map.entry("aws-access-key-id", List.of("AKIA", "ASIA")),
      Map.entry("github-token", List.of("gh")),
      Map.entry("github-fine-grained-token", List.of("github_pat_")),
      Map.entry("gitlab-token", List.of("glpat-")),
      Map.entry("slack-token", List.of("xox")),
      Map.entry("slack-webhook", List.of("hooks.slack.com/services/")),
      Map.entry("stripe-live-key", List.of("_live_")),
      Map.entry("npm-token", List.of("npm_")),
      Map.entry("pypi-token", List.of("pypi-AgEIcHlwaS5vcmc")),
      Map.entry("docker-hub-token", List.of("dckr_pat_")),
      Map.entry("google-api-key", List.of("AIza")),
      Map.entry("openai-api-key", List.of("T3BlbkFJ")),
      Map.entry("anthropic-api-key", List.of("sk-ant-")),
      Map.entry("sendgrid-api-key", List.of("SG.")),
      Map.entry("azure-storage-key", List.of("AccountKey=")),
      Map.entry("private-key", List.of("PRIVATE KEY")),
      Map.entry("jwt", List.of("eyJ")),
      Map.entry("url-password", List.of("://")));

  private static SecretPattern of(String id, String description, String regex) {
    return new SecretPattern(id, description, Pattern.compile(regex));
  }

  /** Whether {@code value} contains a credential of this format. */
  public boolean foundIn(String value) {
    List<String> literals = LITERALS.get(id);
    if (literals != null && literals.stream().noneMatch(value::contains)) {
      return false;
    }
    boolean checksSecret = regex.pattern().contains(SECRET_GROUP);
    Matcher matcher = regex.matcher(value);
    while (matcher.find()) {
      if (!checksSecret || !HarmlessValues.isPlaceholder(matcher.group("secret"))) {
        return true;
      }
    }
    return false;
  }
}
