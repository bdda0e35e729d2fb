package dev.imagegate.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The registry HTTP API (OCI distribution spec) as imagegate needs it: {@code GET}/{@code HEAD} of
 * a manifest, {@code GET} of a blob, and the authentication around them.
 *
 * <p>Authentication is the registry's own flow: a request goes anonymously, or with what the host
 * asked for last time (a cached bearer token for this repository and principal, or basic
 * credentials); on a 401 the {@code WWW-Authenticate} challenge says what to do and the request is
 * sent once more. Bearer tokens are cached ({@link TokenCache}) and shared by every fetch.
 * Credentials go only to the registry endpoint and its token realm, over HTTPS (or over plain HTTP
 * to a plain-HTTP endpoint configured as such); never to a redirect target on another host.
 *
 * <p>Transient failures (HTTP 429/5xx, a broken or refused connection) are retried within the
 * fetch's {@link RetryBudget} and deadline; {@code Retry-After} is honoured only when it fits.
 * Redirects (blobs on a CDN) are followed for GET and HEAD, at most {@value #MAX_REDIRECTS} hops,
 * never from HTTPS to plain HTTP.
 */
final class DistributionClient {
  static final String USER_AGENT = "imagegate";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String MANIFEST_ACCEPT = String.join(", ", OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);
  static final int MAX_REDIRECTS = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryHttp http;
  private final RegistryMetrics metrics;
  private final TokenCache tokens = new TokenCache();
  /** The last challenge of each endpoint host (holds no secret): lets later fetches authenticate up front. */
  private final Cache<String, AuthChallenge> challenges = Caffeine.newBuilder().maximumSize(1024).build();

  DistributionClient(RegistryHttp http, RegistryMetrics metrics) {
    this.http = http;
    this.metrics = metrics;
  }

  /** {@code GET /v2/<repo>/manifests/<reference>}: the manifest bytes (at most 4 MiB). */
  RegistryHttp.Response getManifest(FetchContext ctx, String reference) throws IOException, FetchProblem {
    return call(ctx, "GET", "/v2/" + ctx.repository() + "/manifests/" + reference, MANIFEST_ACCEPT, RegistryHttp.MAX_MANIFEST_BYTES);
  }

  /**
   * {@code HEAD /v2/<repo>/manifests/<reference>}: the manifest's digest from
   * {@code Docker-Content-Digest} without its body (and without counting as a Docker Hub pull).
   */
  RegistryHttp.Response headManifest(FetchContext ctx, String reference) throws IOException, FetchProblem {
    // No body comes with a HEAD, but its Content-Length is the manifest's: the limit must allow it.
    return call(ctx, "HEAD", "/v2/" + ctx.repository() + "/manifests/" + reference, MANIFEST_ACCEPT, RegistryHttp.MAX_MANIFEST_BYTES);
  }

  /** {@code GET /v2/<repo>/blobs/<digest>} of an image config (at most 8 MiB, {@link RegistryHttp#MAX_CONFIG_BYTES}). */
  RegistryHttp.Response getBlob(FetchContext ctx, String digest) throws IOException, FetchProblem {
    return call(ctx, "GET", "/v2/" + ctx.repository() + "/blobs/" + digest, "*/*", RegistryHttp.MAX_CONFIG_BYTES);
  }

  private RegistryHttp.Response call(FetchContext ctx, String method, String path, String accept, int maxBytes)
      throws IOException, FetchProblem {
    URI uri = ctx.base().resolve(path);
    String authorization = upFront(ctx);
    RegistryHttp.Response response = send(ctx, method, uri, accept, authorization, maxBytes);
    if (response.status() == 401) {
      AuthChallenge challenge = AuthChallenge.parse(response.header("WWW-Authenticate"));
      if (challenge != null) {
        challenges.put(authority(ctx), challenge);
        String retry = authenticate(ctx, challenge, authorization);
        if (retry != null && !retry.equals(authorization)) {
          response = send(ctx, method, uri, accept, retry, maxBytes);
        }
      }
    }
    return response;
  }

  /** The Authorization header to send before being asked, from the host's last challenge; or null. */
  private String upFront(FetchContext ctx) throws IOException, FetchProblem {
    AuthChallenge known = challenges.getIfPresent(authority(ctx));
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
  private String authenticate(FetchContext ctx, AuthChallenge challenge, String refused) throws IOException, FetchProblem {
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

  private String basic(FetchContext ctx) throws FetchProblem {
    if (ctx.principal().anonymous()) {
      return null;
    }
    if (ctx.principal().identityToken()) {
      throw new FetchProblem(ErrorReason.UNAUTHORIZED, "unauthorized: the registry wants basic credentials, the configured credential is an identity token: check the registry credentials");
    }
    return ctx.principal().basicAuthorization();
  }

  private TokenCache.Key tokenKey(FetchContext ctx, AuthChallenge challenge) {
    return new TokenCache.Key(challenge.realm(), challenge.service(), ctx.pullScope(), ctx.principal().id());
  }

  /**
   * Asks the challenge's realm for a pull token: {@code GET realm?service=…&scope=repository:REPO:pull}
   * with basic credentials (or none), or, for an identity token, the OAuth2 refresh-token
   * {@code POST}. The token service's own text is never passed on.
   */
  private TokenCache.Token fetchToken(FetchContext ctx, AuthChallenge challenge) throws IOException, FetchProblem {
    URI realm = realm(ctx, challenge);
    String service = challenge.service();
    StringBuilder query = new StringBuilder();
    if (service != null && !service.isEmpty()) {
      query.append("service=").append(encode(service));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder().header("User-Agent", USER_AGENT);
    URI uri;
    Principal principal = ctx.principal();
    if (principal.identityToken()) {
      String form = "grant_type=refresh_token&client_id=imagegate&access_type=offline"
          + (service == null ? "" : "&service=" + encode(service))
          + "&scope=" + encode(ctx.pullScope())
          + "&refresh_token=" + encode(principal.secret());
      uri = realm;
      request.header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
    } else {
      query.append(query.length() == 0 ? "" : "&").append("scope=").append(encode(ctx.pullScope()));
      uri = URI.create(realm + (realm.getRawQuery() == null ? "?" : "&") + query);
      if (!principal.anonymous()) {
        request.header("Authorization", principal.basicAuthorization());
      }
      request.GET();
    }
    metrics.token(ctx.registry(), false);
    RegistryHttp.Response response;
    try {
      response = sendToken(ctx, request, uri);
    } catch (FetchProblem e) {
      throw e;
    } catch (IOException e) {
      throw new TokenServiceException(e);
    }
    int status = response.status();
    if (status == 401 || status == 403) {
      throw new FetchProblem(ErrorReason.UNAUTHORIZED, "unauthorized (HTTP " + status + " from the token service): check the registry credentials");
    }
    if (status == 429) {
      throw new FetchProblem(ErrorReason.RATE_LIMITED, "too many requests (HTTP 429 from the token service): the registry is rate limiting");
    }
    if (status != 200) {
      throw new FetchProblem(status >= 500 ? ErrorReason.IO : ErrorReason.UNAUTHORIZED, "token service error (HTTP " + status + ")");
    }
    try {
      JsonNode body = JSON.readTree(response.body());
      String token = body.path("token").asText("");
      if (token.isEmpty()) {
        token = body.path("access_token").asText("");
      }
      if (token.isEmpty()) {
        throw new FetchProblem(ErrorReason.UNAUTHORIZED, "authentication failed: the registry's token service gave no usable token");
      }
      long expiresIn = body.path("expires_in").asLong(0);
      return tokens.put(tokenKey(ctx, challenge), token, expiresIn > 0 ? Duration.ofSeconds(expiresIn) : null);
    } catch (IOException e) {
      throw new FetchProblem(ErrorReason.UNAUTHORIZED, "authentication failed: the registry's token service gave no usable token");
    }
  }

  private RegistryHttp.Response sendToken(FetchContext ctx, HttpRequest.Builder request, URI uri) throws IOException, FetchProblem {
    while (true) {
      RegistryHttp.Response response;
      try {
        response = http.send(request.copy(), uri, ctx.deadline(), 1024 * 1024);
      } catch (IOException e) {
        if (RetryBudget.transientFailure(e) && retry(ctx, ctx.retries().backoff(), "io")) {
          continue;
        }
        throw e;
      }
      if (RetryBudget.transientStatus(response.status())) {
        Duration wait = RetryBudget.retryAfter(response.header("Retry-After"));
        if (retry(ctx, wait == null ? ctx.retries().backoff() : wait, response.status() == 429 ? "rate_limited" : "server_error")) {
          continue;
        }
      }
      return response;
    }
  }

  /** The realm URL, checked: absolute HTTP(S), and HTTPS unless the registry itself is plain HTTP. */
  private static URI realm(FetchContext ctx, AuthChallenge challenge) throws FetchProblem {
    String text = challenge.realm();
    URI realm;
    try {
      realm = text == null ? null : URI.create(text);
    } catch (IllegalArgumentException e) {
      realm = null;
    }
    String scheme = realm == null || realm.getScheme() == null ? "" : realm.getScheme().toLowerCase(Locale.ROOT);
    if (realm == null || realm.getRawAuthority() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new FetchProblem(ErrorReason.UNAUTHORIZED, "authentication failed: the registry names no usable token service");
    }
    if (scheme.equals("http") && !ctx.endpoint().plainHttp()) {
      throw new FetchProblem(ErrorReason.TLS, "refused a plain-HTTP token service for an HTTPS registry (plain-HTTP registries go under registries.insecure)");
    }
    return realm;
  }

  /**
   * Sends a registry request: retries transient failures within the budget and deadline, and
   * follows redirects for GET/HEAD. Answers with the last response, whatever its status (a 429
   * whose wait does not fit included).
   */
  private RegistryHttp.Response send(FetchContext ctx, String method, URI uri, String accept, String authorization, int maxBytes)
      throws IOException, FetchProblem {
    URI target = uri;
    String auth = authorization;
    int redirects = 0;
    while (true) {
      HttpRequest.Builder request = HttpRequest.newBuilder().header("User-Agent", USER_AGENT).header("Accept", accept);
      if (auth != null) {
        request.header("Authorization", auth);
      }
      RegistryHttp.Response response;
      try {
        response = http.send(request, target, method, ctx.deadline(), maxBytes);
      } catch (IOException e) {
        if (RetryBudget.transientFailure(e) && retry(ctx, ctx.retries().backoff(), "io")) {
          continue;
        }
        throw e;
      }
      int status = response.status();
      if (isRedirect(status) && response.header("Location") != null) {
        if (++redirects > MAX_REDIRECTS) {
          throw new FetchProblem(ErrorReason.INVALID, "too many redirects (more than " + MAX_REDIRECTS + ")");
        }
        URI next = redirectTarget(target, response.header("Location"));
        if (!RegistryHttp.authority(next).equals(RegistryHttp.authority(target))) {
          auth = null; // a CDN's signed URL carries its own authorization
        }
        target = next;
        continue;
      }
      if (RetryBudget.transientStatus(status)) {
        Duration wait = RetryBudget.retryAfter(response.header("Retry-After"));
        if (retry(ctx, wait == null ? ctx.retries().backoff() : wait, status == 429 ? "rate_limited" : "server_error")) {
          continue;
        }
      }
      return response;
    }
  }

  private boolean retry(FetchContext ctx, Duration wait, String reason) throws IOException {
    if (ctx.retries().retryAfter(wait, ctx.deadline())) {
      metrics.retry(ctx.registry(), reason);
      return true;
    }
    return false;
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static URI redirectTarget(URI from, String location) throws FetchProblem {
    URI next;
    try {
      next = from.resolve(location.trim());
    } catch (IllegalArgumentException e) {
      throw new FetchProblem(ErrorReason.INVALID, "the registry redirected to a malformed URL");
    }
    String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new FetchProblem(ErrorReason.INVALID, "the registry redirected to an unsupported URL scheme");
    }
    if (scheme.equals("http") && "https".equalsIgnoreCase(from.getScheme())) {
      throw new FetchProblem(ErrorReason.TLS, "refused a redirect from HTTPS to plain HTTP");
    }
    return next;
  }

  private static String authority(FetchContext ctx) {
    return ctx.endpoint().host().toLowerCase(Locale.ROOT);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Tokens cached right now (for tests). */
  long cachedTokens() {
    return tokens.size();
  }

  /** A transport failure while talking to the token service (classified with a "token service: " prefix). */
  static final class TokenServiceException extends IOException {
    TokenServiceException(IOException cause) {
      super("token service unreachable", cause);
    }
  }
}
