package dev.imagegate.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal Docker registry token service (the bearer-token flow Docker Hub uses) for a
 * {@link LocalRegistry} with {@code auth.token}. It issues RS256 JWTs whose {@code x5c} header
 * carries a signing certificate issued by a {@link TestCa}; the registry trusts that CA through its
 * {@code rootcertbundle}. Claims: {@code iss}, {@code sub}, {@code aud} (the service),
 * {@code exp/nbf/iat}, {@code jti} and the {@code access} list.
 *
 * <p>What distribution 2.8 checks: {@code iss} among its {@code issuer}, {@code aud} its
 * {@code service}, {@code exp}/{@code nbf} (60 s leeway), and the signing key from the {@code x5c}
 * chain verified against {@code rootcertbundle} ({@code kid} would have to be a libtrust key ID,
 * hence {@code x5c} here); then the {@code access} entry for the repository and action.
 *
 * <p>A known user (HTTP basic auth) gets every action asked for; wrong credentials get a 401;
 * anonymous callers get {@code pull} only if {@code anonymousPull}, else a token granting nothing
 * (as Docker Hub does), which the registry then refuses.
 */
public final class TokenServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final TestCa ca;
  private final TestCa.Issued signing;
  private final Map<String, String> users;
  private final boolean anonymousPull;
  private final boolean https;
  private final String service = "imagegate-test-registry";
  private final String issuer = "imagegate-test-token-issuer";
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile int expiresIn = 300;

  private TokenServer(TestCa ca, boolean https, Map<String, String> users, boolean anonymousPull) throws IOException {
    this.ca = ca;
    this.signing = ca.issueSigning("imagegate-test-token-signer");
    this.users = Map.copyOf(users);
    this.anonymousPull = anonymousPull;
    this.https = https;
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (https) {
      HttpsServer tls = HttpsServer.create(address, 0);
      tls.setHttpsConfigurator(new HttpsConfigurator(ca.issueServer().serverContext()));
      this.server = tls;
    } else {
      this.server = HttpServer.create(address, 0);
    }
    server.createContext("/token", this::token);
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread thread = new Thread(r, "token-server");
      thread.setDaemon(true);
      return thread;
    }));
    server.start();
  }

  /**
   * @param https serve the realm over HTTPS (certificate from {@code ca}) or plain HTTP
   * @param users user → password of the accounts that may push and pull
   * @param anonymousPull whether anonymous callers may pull
   */
  public static TokenServer start(TestCa ca, boolean https, Map<String, String> users, boolean anonymousPull) {
    try {
      return new TokenServer(ca, https, users, anonymousPull);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The realm URL the registry sends clients to. */
  public String realm() {
    return (https ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  public String service() {
    return service;
  }

  public String issuer() {
    return issuer;
  }

  /** Writes the registry's {@code rootcertbundle}: the CA that issued the signing certificate. */
  public Path writeRootCertBundle(Path file) {
    return ca.writePem(file);
  }

  /** Tokens handed out so far. */
  public int tokensIssued() {
    return issued.get();
  }

  /** Sets the lifetime of the tokens issued from now on ({@code expires_in} and {@code exp}; 300 s by default). */
  public void expiresIn(int seconds) {
    this.expiresIn = seconds;
  }

  /** Requests refused (wrong credentials) so far. */
  public int refusals() {
    return refused.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void token(HttpExchange exchange) throws IOException {
    try (exchange) {
      String subject = "";
      boolean known = false;
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
        String[] pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8).split(":", 2);
        if (pair.length != 2 || !pair[1].equals(users.get(pair[0]))) {
          refused.incrementAndGet();
          respond(exchange, 401, "{\"details\":\"incorrect username or password\"}");
          return;
        }
        subject = pair[0];
        known = true;
      }
      ArrayNode access = JSON.createArrayNode();
      for (String scope : query(exchange, "scope")) {
        int first = scope.indexOf(':');
        int last = scope.lastIndexOf(':');
        if (first < 0 || last <= first) {
          continue;
        }
        Set<String> actions = new LinkedHashSet<>(List.of(scope.substring(last + 1).split(",")));
        if (!known) {
          actions.retainAll(anonymousPull ? Set.of("pull") : Set.of());
        }
        ObjectNode grant = access.addObject();
        grant.put("type", scope.substring(0, first));
        grant.put("name", scope.substring(first + 1, last));
        actions.forEach(grant.putArray("actions")::add);
      }
      String token = jwt(subject, access);
      issued.incrementAndGet();
      ObjectNode body = JSON.createObjectNode();
      body.put("token", token);
      body.put("access_token", token);
      body.put("expires_in", expiresIn);
      body.put("issued_at", Instant.now().toString());
      respond(exchange, 200, body.toString());
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private String jwt(String subject, ArrayNode access) throws GeneralSecurityException {
    long now = Instant.now().getEpochSecond();
    ObjectNode header = JSON.createObjectNode();
    header.put("typ", "JWT");
    header.put("alg", "RS256");
    try {
      header.putArray("x5c").add(Base64.getEncoder().encodeToString(signing.certificate().getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new GeneralSecurityException(e);
    }
    ObjectNode claims = JSON.createObjectNode();
    claims.put("iss", issuer);
    claims.put("sub", subject);
    claims.put("aud", service);
    claims.put("exp", now + expiresIn);
    claims.put("nbf", now - 10);
    claims.put("iat", now);
    claims.put("jti", UUID.randomUUID().toString());
    claims.set("access", access);
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    String signed = url.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
        + url.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initSign(signing.key());
    rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
    return signed + "." + url.encodeToString(rsa.sign());
  }

  private static List<String> query(HttpExchange exchange, String name) {
    List<String> values = new ArrayList<>();
    String query = exchange.getRequestURI().getRawQuery();
    if (query == null) {
      return values;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
        values.add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
