package dev.imagegate.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The registry's own authentication flow. A request goes anonymously, or with what the host asked
 * for last time (a cached bearer token for this repository and principal, or basic credentials); on
 * a 401 the {@code WWW-Authenticate} challenge says what to do and the request is sent once more.
 * Bearer tokens are cached ({@link TokenCache}) and shared by every fetch.
 *
 * <p>Credentials go only to the registry endpoint and its token realm, over HTTPS (or over plain
 * HTTP to a plain-HTTP endpoint configured as such); {@link Redirects} keeps them from a redirect
 * target on another host. The token service's own text is never passed on.
 */
final class Authenticating implements Transport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Transport next;
  private final Transport tokenService;
  private final RegistryMetrics metrics;
  private final TokenCache tokens = new TokenCache();
  /** The last challenge of each endpoint host (holds no secret): lets later fetches authenticate up front. */
  private final Cache<String, AuthChallenge> challenges = Caffeine.newBuilder().maximumSize(1024).build();

  /**
   * @param next where registry requests go, once authorized
   * @param tokenService where token requests go (no redirects: a token realm is asked directly)
   */
  Authenticating(Transport next, Transport tokenService, RegistryMetrics metrics) {
    this.next = next;
    this.tokenService = tokenService;
    this.metrics = metrics;
  }

  @Override
  public RegistryHttp.Response send(FetchContext ctx, RegistryRequest request) throws IOException, ImageFetchException {
    String authorization = upFront(ctx);
    RegistryHttp.Response response = next.send(ctx, request.withAuthorization(authorization));
    if (response.status() == 401) {
      AuthChallenge challenge = AuthChallenge.parse(response.header("WWW-Authenticate"));
      if (challenge != null) {
        challenges.put(host(ctx), challenge);
        String retry = authenticate(ctx, challenge, authorization);
        if (retry != null && !retry.equals(authorization)) {
          response = next.send(ctx, request.withAuthorization(retry));
        }
      }
    }
    return response;
  }

  /** The Authorization header to send before being asked, from the host's last challenge; or null. */
  private String upFront(FetchContext ctx) throws IOException, ImageFetchException {
    AuthChallenge known = challenges.getIfPresent(host(ctx));
    if (known == null) {
      return null;
    }
    if (known.basic()) {
      return basic(ctx);
    }
    TokenCache.Token token = tokens.get(tokenKey(ctx, known));
    if (token != null) {
      metrics.token(ctx.registry(), true);
      return "Bearer " + token.value();
    }
    return "Bearer " + fetchToken(ctx, known).value();
  }

  /** The header to retry with after a 401 carrying {@code challenge}; null when there is nothing better to send. */
  private String authenticate(FetchContext ctx, AuthChallenge challenge, String refused) throws IOException, ImageFetchException {
    if (challenge.basic()) {
      return basic(ctx);
    }
    TokenCache.Key key = tokenKey(ctx, challenge);
    TokenCache.Token cached = tokens.get(key);
    if (cached != null) {
      String header = "Bearer " + cached.value();
      if (!header.equals(refused)) {
        return header; // another fetch got a fresh one meanwhile
      }
      tokens.invalidate(key, cached);
    }
    return "Bearer " + fetchToken(ctx, challenge).value();
  }

  private static String basic(FetchContext ctx) throws ImageFetchException {
    if (ctx.principal().anonymous()) {
      return null;
    }
    if (ctx.principal().identityToken()) {
      throw new ImageFetchException(ErrorReason.UNAUTHORIZED, "unauthorized: the registry wants basic credentials, the configured credential is an identity token: check the registry credentials");
    }
    return ctx.principal().basicAuthorization();
  }

  private static TokenCache.Key tokenKey(FetchContext ctx, AuthChallenge challenge) {
    return new TokenCache.Key(challenge.realm(), challenge.service(), ctx.pullScope(), ctx.principal().id());
  }

  /**
   * Asks the challenge's realm for a pull token: {@code GET realm?service=…&scope=repository:REPO:pull}
   * with basic credentials (or none), or, for an identity token, the OAuth2 refresh-token {@code POST}.
   */
  private TokenCache.Token fetchToken(FetchContext ctx, AuthChallenge challenge) throws IOException, ImageFetchException {
    URI realm = realm(ctx, challenge);
    String service = challenge.service();
    Principal principal = ctx.principal();
    RegistryRequest request;
    if (principal.identityToken()) {
      String form = "grant_type=refresh_token&client_id=imagegate&access_type=offline"
          + (service == null ? "" : "&service=" + encode(service))
          + "&scope=" + encode(ctx.pullScope())
          + "&refresh_token=" + encode(principal.secret());
      request = new RegistryRequest("POST", realm, null, null, form, RegistryHttp.MAX_TOKEN_BYTES);
    } else {
      StringBuilder query = new StringBuilder();
      if (service != null && !service.isEmpty()) {
        query.append("service=").append(encode(service)).append('&');
      }
      query.append("scope=").append(encode(ctx.pullScope()));
      URI uri = URI.create(realm + (realm.getRawQuery() == null ? "?" : "&") + query);
      request = new RegistryRequest("GET", uri, null, principal.anonymous() ? null : principal.basicAuthorization(), null,
          RegistryHttp.MAX_TOKEN_BYTES);
    }
    metrics.token(ctx.registry(), false);
    RegistryHttp.Response response;
    try {
      response = tokenService.send(ctx, request);
    } catch (IOException e) {
      throw new TokenServiceException(e);
    }
    int status = response.status();
    if (status == 401 || status == 403) {
      throw new ImageFetchException(ErrorReason.UNAUTHORIZED, "unauthorized (HTTP " + status + " from the token service): check the registry credentials");
    }
    if (status == 429) {
      throw new ImageFetchException(ErrorReason.RATE_LIMITED, "too many requests (HTTP 429 from the token service): the registry is rate limiting");
    }
    if (status != 200) {
      throw new ImageFetchException(status >= 500 ? ErrorReason.IO : ErrorReason.UNAUTHORIZED, "token service error (HTTP " + status + ")");
    }
    JsonNode body = tokenAnswer(response.body());
    long expiresIn = body.path("expires_in").asLong(0);
    return tokens.put(tokenKey(ctx, challenge), token(body), expiresIn > 0 ? Duration.ofSeconds(expiresIn) : null);
  }

  private static JsonNode tokenAnswer(byte[] body) throws ImageFetchException {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw noUsableToken();
    }
  }

  /** {@code token}, else {@code access_token}. */
  private static String token(JsonNode body) throws ImageFetchException {
    String token = body.path("token").asText("");
    if (token.isEmpty()) {
      token = body.path("access_token").asText("");
    }
    if (token.isEmpty()) {
      throw noUsableToken();
    }
    return token;
  }

  private static ImageFetchException noUsableToken() {
    return new ImageFetchException(ErrorReason.UNAUTHORIZED, "authentication failed: the registry's token service gave no usable token");
  }

  /** The realm URL, checked: absolute HTTP(S), and HTTPS unless the registry itself is plain HTTP. */
  private static URI realm(FetchContext ctx, AuthChallenge challenge) throws ImageFetchException {
    String text = challenge.realm();
    URI realm;
    try {
      realm = text == null ? null : URI.create(text);
    } catch (IllegalArgumentException e) {
      realm = null;
    }
    String scheme = realm == null || realm.getScheme() == null ? "" : realm.getScheme().toLowerCase(Locale.ROOT);
    if (realm == null || realm.getRawAuthority() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new ImageFetchException(ErrorReason.UNAUTHORIZED, "authentication failed: the registry names no usable token service");
    }
    if (scheme.equals("http") && !ctx.endpoint().plainHttp()) {
      throw new ImageFetchException(ErrorReason.TLS, "refused a plain-HTTP token service for an HTTPS registry (plain-HTTP registries go under registries.insecure)");
    }
    return realm;
  }

  private static String host(FetchContext ctx) {
    return ctx.endpoint().host().toLowerCase(Locale.ROOT);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** A transport failure while talking to the token service (classified with a "token service: " prefix). */
  static final class TokenServiceException extends IOException {
    TokenServiceException(IOException cause) {
      super("token service unreachable", cause);
    }
  }
}
