package dev.imagegate.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** WWW-Authenticate challenges, Retry-After, the retry budget, and secrets that never print. */
class AuthAndRetryTest {

  @Test
  void bearerChallengesAreParsedWithQuotedCommas() {
    AuthChallenge challenge = AuthChallenge.parse(
        "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/nginx:pull,push\"");

    assertThat(challenge.bearer()).isTrue();
    assertThat(challenge.realm()).isEqualTo("https://auth.docker.io/token");
    assertThat(challenge.service()).isEqualTo("registry.docker.io");
    assertThat(challenge.params()).containsEntry("scope", "repository:library/nginx:pull,push");
  }

  @Test
  void basicAndUnknownChallenges() {
    assertThat(AuthChallenge.parse("Basic realm=\"registry\"").basic()).isTrue();
    assertThat(AuthChallenge.parse("basic").basic()).isTrue();
    assertThat(AuthChallenge.parse("Negotiate abc")).isNull();
    assertThat(AuthChallenge.parse(null)).isNull();
  }

  @Test
  void retryAfterIsSecondsOrAnHttpDate() {
    assertThat(RetryBudget.retryAfter("3")).isEqualTo(Duration.ofSeconds(3));
    assertThat(RetryBudget.retryAfter(" 0 ")).isEqualTo(Duration.ZERO);
    assertThat(RetryBudget.retryAfter(ZonedDateTime.now().plusSeconds(30).format(DateTimeFormatter.RFC_1123_DATE_TIME)))
        .isBetween(Duration.ofSeconds(28), Duration.ofSeconds(31));
    assertThat(RetryBudget.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
    assertThat(RetryBudget.retryAfter("soon")).isNull();
    assertThat(RetryBudget.retryAfter(null)).isNull();
  }

  @Test
  void theBudgetIsSpentOnlyOnWaitsThatFitTheDeadline() throws Exception {
    RetryBudget budget = new RetryBudget(2);
    Deadline deadline = Deadline.after(Duration.ofSeconds(2));

    assertThat(budget.retryAfter(Duration.ofSeconds(5), deadline)).as("does not fit").isFalse();
    assertThat(budget.retryAfter(Duration.ZERO, deadline)).isTrue();
    assertThat(budget.retryAfter(Duration.ofMillis(10), deadline)).isTrue();
    assertThat(budget.retryAfter(Duration.ZERO, deadline)).as("spent").isFalse();
    assertThat(budget.used()).isEqualTo(2);
  }

  @Test
  void onlyBrokenConnectionsAreTransient() {
    assertThat(RetryBudget.transientFailure(new IOException("Connection reset"))).isTrue();
    assertThat(RetryBudget.transientFailure(new ConnectException())).isTrue();
    assertThat(RetryBudget.transientFailure(new HttpTimeoutException("late"))).isFalse();
    assertThat(RetryBudget.transientFailure(new SSLHandshakeException("untrusted"))).isFalse();
    assertThat(RetryBudget.transientFailure(new IOException(new SSLHandshakeException("untrusted")))).isFalse();
    assertThat(RetryBudget.transientStatus(429)).isTrue();
    assertThat(RetryBudget.transientStatus(503)).isTrue();
    assertThat(RetryBudget.transientStatus(501)).isFalse();
    assertThat(RetryBudget.transientStatus(404)).isFalse();
  }

  @Test
  void credentialsAndTokensNeverPrint() {
    Principal principal = Principal.of("robot", "hunter2-secret", "secret apps/regcred");
    TokenCache.Token token = new TokenCache.Token("eyJhbGciOiJSUzI1NiJ9.secret", 0);

    assertThat(principal.toString()).isEqualTo("Principal[secret apps/regcred]");
    assertThat(principal.id()).doesNotContain("robot").doesNotContain("hunter2");
    assertThat(Principal.of("robot", "hunter2-secret", "x").id()).isEqualTo(principal.id());
    assertThat(Principal.of("robot", "other", "x").id()).isNotEqualTo(principal.id());
    assertThat(token.toString()).isEqualTo("Token[redacted]");
  }

  @Test
  void tokensExpireBeforeTheirExpiresIn() throws Exception {
    TokenCache cache = new TokenCache();
    TokenCache.Key key = new TokenCache.Key("https://auth", "svc", "repository:a:pull", "anonymous");

    cache.put(key, "t1", Duration.ofSeconds(1));
    assertThat(cache.get(key).value()).isEqualTo("t1");
    Thread.sleep(950); // a tenth of the lifetime is kept as a margin
    assertThat(cache.get(key)).isNull();
  }
}
