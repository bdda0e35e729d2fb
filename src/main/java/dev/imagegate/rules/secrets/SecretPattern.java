package dev.imagegate.rules.secrets;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A well-known credential format, recognised by its value whatever the variable is called.
 *
 * @param id stable name, used in docs and tests
 * @param description what the value is, as a message says it: {@code an AWS access key id}
 * @param regex found anywhere in the value; a named group {@code secret}, when present, must not be a
 *     placeholder ({@code postgres://app:${DB_PASSWORD}@db} holds no password)
 * @param literals performance: fixed strings the regex cannot match without (one of them). A value
 *     holding none is not searched with the regex: most values hold none of any format's, and a
 *     {@code contains} costs a fraction of a regex search. Tests cover every format.
 * @param standIn a made-up value of this format (and of no format listed before it), written in
 *     place of a real one where a value must not be kept ({@link StandIns})
 */
public record SecretPattern(String id, String description, Pattern regex, List<String> literals, String standIn) {
  private static final String SECRET_GROUP = "(?<secret>";
  /** What a stand-in says in place of a value. */
  static final String WITHHELD = "withheld";

  /** Every format checked; each starts with a fixed marker, so false positives are rare. */
  public static final List<SecretPattern> WELL_KNOWN =
      List.of(
          of("aws-access-key-id", "an AWS access key id", "\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b", List.of("AKIA", "ASIA"), "AKIA" + "WITHHELDBYIMAGEG"),
          of("github-token", "a GitHub token", "\\bgh[opusr]_[A-Za-z0-9]{36}\\b", List.of("gh"), "ghp_" + fill(36)),
          of("github-fine-grained-token", "a GitHub token", "\\bgithub_pat_[A-Za-z0-9_]{22,255}", List.of("github_pat_"), "github_pat_" + fill(22)),
          // personal/project/group access, runner authentication, pipeline trigger and deploy tokens
          of("gitlab-token", "a GitLab token", "\\bgl(?:pat|rt|ptt|dt)-[A-Za-z0-9_\\-]{20,}",
              List.of("glpat-", "glrt-", "glptt-", "gldt-"), "glpat-" + fill(20)),
          of("slack-token", "a Slack token", "\\bxox[baprs]-[A-Za-z0-9\\-]{10,}", List.of("xox"), "xoxb-" + fill(10)),
          of(
              "slack-webhook",
              "a Slack webhook URL",
              "hooks\\.slack\\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+", List.of("hooks.slack.com/services/"), "hooks.slack.com/services/T0/B0/" + fill(8)),
          of("stripe-live-key", "a Stripe live key", "\\b(?:sk|rk)_live_[A-Za-z0-9]{20,}", List.of("_live_"), "sk_live_" + fill(20)),
          of("npm-token", "an npm token", "\\bnpm_[A-Za-z0-9]{36}\\b", List.of("npm_"), "npm_" + fill(36)),
          of("pypi-token", "a PyPI token", "\\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\\-]{50,}", List.of("pypi-AgEIcHlwaS5vcmc"), "pypi-AgEIcHlwaS5vcmc" + fill(50)),
          of("docker-hub-token", "a Docker Hub token", "\\bdckr_pat_[A-Za-z0-9_\\-]{20,}", List.of("dckr_pat_"), "dckr_pat_" + fill(20)),
          of("google-api-key", "a Google API key", "\\bAIza[0-9A-Za-z_\\-]{35}", List.of("AIza"), "AIza" + fill(35)),
          of("openai-api-key", "an OpenAI API key", "\\bsk-[A-Za-z0-9_\\-]{0,60}T3BlbkFJ[A-Za-z0-9_\\-]{10,}", List.of("T3BlbkFJ"), "sk-T3BlbkFJ" + fill(10)),
          of("anthropic-api-key", "an Anthropic API key", "\\bsk-ant-[a-z]{3,6}\\d{2}-[A-Za-z0-9_\\-]{40,}", List.of("sk-ant-"), "sk-ant-api03-" + fill(40)),
          of("sendgrid-api-key", "a SendGrid API key", "\\bSG\\.[A-Za-z0-9_\\-]{22}\\.[A-Za-z0-9_\\-]{43}", List.of("SG."), "SG." + fill(22) + "." + fill(43)),
          of("azure-storage-key", "an Azure storage account key", "AccountKey=[A-Za-z0-9+/]{40,}={0,2}", List.of("AccountKey="), "AccountKey=" + fill(40)),
          of("private-key", "a PEM private key", "-----BEGIN [A-Z0-9 ]{0,32}PRIVATE KEY[A-Z ]{0,8}-----", List.of("PRIVATE KEY"), "-----BEGIN PRIVATE KEY-----"),
          of(
              "jwt",
              "a JSON Web Token",
              "\\beyJ[A-Za-z0-9_\\-]{5,4096}\\.eyJ[A-Za-z0-9_\\-]{5,8192}\\.[A-Za-z0-9_\\-]{0,1024}", List.of("eyJ"), "eyJ" + fill(5) + ".eyJ" + fill(5) + "." + fill(5)),
          // Bounded runs keep the search linear on long values; the scheme must start after a non-scheme char.
          of(
              "url-password",
              "a URL with an embedded password",
              "(?<![A-Za-z0-9+.\\-])[A-Za-z][A-Za-z0-9+.\\-]{0,30}://"
                  + "[^\\s/:@]{0,256}:(?<secret>[^\\s/@]{1,256})@[^\\s@]", List.of("://"), "x://u:" + WITHHELD + "@h"));


  public SecretPattern {
    literals = List.copyOf(literals);
  }

  private static SecretPattern of(String id, String description, String regex, List<String> literals, String standIn) {
    return new SecretPattern(id, description, Pattern.compile(regex), literals, standIn);
  }

  /** {@value #WITHHELD} repeated to {@code length} letters: filler that every format's character class takes. */
  private static String fill(int length) {
    return WITHHELD.repeat(length / WITHHELD.length() + 1).substring(0, length);
  }

  /** The first format, in {@link #WELL_KNOWN}'s order, that {@code text} contains a credential of. */
  public static Optional<SecretPattern> firstIn(String text) {
    for (SecretPattern pattern : WELL_KNOWN) {
      if (pattern.foundIn(text)) {
        return Optional.of(pattern);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code value} contains a credential of this format. */
  public boolean foundIn(String value) {
    if (!containsAny(value, literals)) {
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

  /**
   * {@code text} with each credential of this format replaced by its stand-in; of a URL's password,
   * only the password (the scheme and host stay, for the rules that read them).
   */
  public String maskIn(String text) {
    if (!containsAny(text, literals)) {
      return text;
    }
    boolean checksSecret = regex.pattern().contains(SECRET_GROUP);
    Matcher matcher = regex.matcher(text);
    StringBuilder masked = new StringBuilder();
    int copied = 0;
    while (matcher.find()) {
      if (checksSecret && HarmlessValues.isPlaceholder(matcher.group("secret"))) {
        continue;
      }
      int start = checksSecret ? matcher.start("secret") : matcher.start();
      int end = checksSecret ? matcher.end("secret") : matcher.end();
      masked.append(text, copied, start).append(checksSecret ? WITHHELD : standIn);
      copied = end;
    }
    return copied == 0 && masked.isEmpty() ? text : masked.append(text, copied, text.length()).toString();
  }

  private static boolean containsAny(String value, List<String> literals) {
    for (int i = 0; i < literals.size(); i++) {
      if (value.contains(literals.get(i))) {
        return true;
      }
    }
    return false;
  }
}
