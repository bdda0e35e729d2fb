package dev.imagegate.testing;

import com.google.cloud.tools.jib.api.Credential;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A real CNCF distribution registry ({@code /usr/bin/docker-registry serve}) on a free loopback port,
 * for tests. Plain HTTP by default; optionally TLS with a {@link TestCa}, htpasswd basic auth, or
 * token auth against a {@link TokenServer}. Its config, storage and log live in a fresh directory
 * under {@code target/local-registry/}.
 *
 * <pre>{@code
 * try (LocalRegistry registry = LocalRegistry.builder().name("plain").start()) {
 *   TestImages.Pushed nginx = TestImages.in(registry).push("library/nginx", "1.27", TestImages.nginx());
 *   registry.accessLog().manifestGets("library/nginx");
 * }
 * }</pre>
 */
public final class LocalRegistry implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");
  private static final Path ROOT = Path.of("target", "local-registry");

  private final String name;
  private final Path dir;
  private final int port;
  private final TestCa ca;
  private final Credential pushCredential;
  private final Process process;
  private final RegistryAccessLog accessLog;
  private final Thread killOnExit;

  private LocalRegistry(String name, Path dir, int port, TestCa ca, Credential pushCredential, Process process) {
    this.name = name;
    this.dir = dir;
    this.port = port;
    this.ca = ca;
    this.pushCredential = pushCredential;
    this.process = process;
    this.accessLog = new RegistryAccessLog(dir.resolve("registry.log"));
    this.killOnExit = new Thread(process::destroyForcibly, "kill-" + name);
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A plain-HTTP registry without authentication. */
  public static LocalRegistry startPlain(String name) {
    return builder().name(name).start();
  }

  /** {@code 127.0.0.1:PORT}: the registry host as an image reference or mirror names it. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public boolean tls() {
    return ca != null;
  }

  /** {@code http://127.0.0.1:PORT} or {@code https://127.0.0.1:PORT}. */
  public String url() {
    return (tls() ? "https://" : "http://") + hostPort();
  }

  /** The CA the registry's certificate is issued by, or null for plain HTTP. */
  public TestCa ca() {
    return ca;
  }

  /** The CA certificate as a PEM file (for {@code --cacert}, a trust bundle, ...), or null for plain HTTP. */
  public Path caPem() {
    return ca == null ? null : ca.writePem(dir.resolve("ca.pem"));
  }

  /** A client TLS context trusting the registry (its CA), or null for plain HTTP. */
  public SSLContext clientTls() {
    return ca == null ? null : ca.clientContext();
  }

  /** Credentials allowed to push (and pull), or null for a registry without authentication. */
  public Credential pushCredential() {
    return pushCredential;
  }

  public RegistryAccessLog accessLog() {
    return accessLog;
  }

  public Path directory() {
    return dir;
  }

  public Path logFile() {
    return dir.resolve("registry.log");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  @Override
  public String toString() {
    return "LocalRegistry[" + name + " " + url() + "]";
  }

  /** Options of a {@link LocalRegistry}. */
  public static final class Builder {
    private String name = "registry";
    private TestCa ca;
    private String[] serverNames;
    private String htpasswdUser;
    private String htpasswdPassword;
    private TokenServer tokens;
    private Credential tokenPusher;

    private Builder() {}

    /** Names the directory and log ({@code target/local-registry/NAME-...}). */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Serves HTTPS with a certificate for 127.0.0.1 and localhost issued by {@code ca}. */
    public Builder tls(TestCa ca) {
      return tls(ca, "127.0.0.1", "localhost");
    }

    /** Serves HTTPS with a certificate for {@code names} (IPs or DNS names) issued by {@code ca}. */
    public Builder tls(TestCa ca, String... names) {
      this.ca = ca;
      this.serverNames = names.clone();
      return this;
    }

    /** Requires HTTP basic auth (bcrypt htpasswd) with this one user, who may push and pull. */
    public Builder htpasswd(String user, String password) {
      this.htpasswdUser = user;
      this.htpasswdPassword = password;
      return this;
    }

    /**
     * Requires bearer tokens from {@code server} ({@code auth.token} with its realm, service, issuer
     * and root certificate bundle); {@code pusher} must be one of its users.
     */
    public Builder tokenAuth(TokenServer server, Credential pusher) {
      this.tokens = server;
      this.tokenPusher = pusher;
      return this;
    }

    public LocalRegistry start() {
      if (!Files.isExecutable(BINARY)) {
        throw new IllegalStateException(BINARY + " is missing: install the Debian package docker-registry");
      }
      IOException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        try {
          return startOnce();
        } catch (IOException e) {
          last = e; // most likely the port was taken between choosing and binding it
        }
      }
      throw new UncheckedIOException("cannot start " + BINARY, last);
    }

    private LocalRegistry startOnce() throws IOException {
      Files.createDirectories(ROOT);
      Path dir = Files.createTempDirectory(ROOT.toAbsolutePath(), name + "-");
      int port = freePort();
      StringBuilder config = new StringBuilder();
      config.append("version: 0.1\n")
          .append("log:\n  level: info\n  formatter: text\n  accesslog:\n    disabled: false\n")
          .append("storage:\n  filesystem:\n    rootdirectory: ").append(dir.resolve("data")).append('\n')
          .append("  delete:\n    enabled: true\n")
          .append("  maintenance:\n    uploadpurging:\n      enabled: false\n")
          .append("http:\n  addr: 127.0.0.1:").append(port).append('\n')
          .append("  secret: imagegate-test-secret\n");
      if (ca != null) {
        TestCa.Issued server = ca.issueServer(serverNames);
        config.append("  tls:\n")
            .append("    certificate: ").append(server.writeCertificatePem(dir.resolve("server.crt"))).append('\n')
            .append("    key: ").append(server.writeKeyPem(dir.resolve("server.key"))).append('\n');
      }
      Credential pusher = null;
      if (htpasswdUser != null) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        // cost 4: the registry checks the hash on every request
        String hash = OpenBSDBCrypt.generate("2y", htpasswdPassword.toCharArray(), salt, 4);
        Path htpasswd = Files.writeString(dir.resolve("htpasswd"), htpasswdUser + ":" + hash + "\n");
        config.append("auth:\n  htpasswd:\n    realm: imagegate-test\n    path: ").append(htpasswd).append('\n');
        pusher = Credential.from(htpasswdUser, htpasswdPassword);
      } else if (tokens != null) {
        config.append("auth:\n  token:\n")
            .append("    realm: ").append(tokens.realm()).append('\n')
            .append("    service: ").append(tokens.service()).append('\n')
            .append("    issuer: ").append(tokens.issuer()).append('\n')
            .append("    rootcertbundle: ").append(tokens.writeRootCertBundle(dir.resolve("token-root.pem"))).append('\n');
        pusher = tokenPusher;
      }
      Path configFile = Files.writeString(dir.resolve("config.yml"), config.toString());
      Path log = dir.resolve("registry.log");
      Process process =
          new ProcessBuilder(BINARY.toString(), "serve", configFile.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      LocalRegistry registry = new LocalRegistry(name, dir, port, ca, pusher, process);
      try {
        awaitReady(registry);
        return registry;
      } catch (IOException | RuntimeException e) {
        registry.close();
        throw new IOException(registry + " did not start: " + tail(log), e);
      }
    }

    private static void awaitReady(LocalRegistry registry) throws IOException {
      HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
      if (registry.tls()) {
        builder.sslContext(registry.clientTls());
      }
      HttpClient client = builder.build();
      HttpRequest request = HttpRequest.newBuilder(URI.create(registry.url() + "/v2/")).timeout(Duration.ofSeconds(2)).build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (System.nanoTime() < deadline) {
        if (!registry.process.isAlive()) {
          throw new IOException("the registry exited with " + registry.process.exitValue());
        }
        try {
          int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
          if (status == 200 || status == 401) {
            return;
          }
        } catch (javax.net.ssl.SSLHandshakeException e) {
          return; // answering TLS, with a certificate made not to match (a test of exactly that)
        } catch (IOException e) {
          // not listening yet
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
      throw new IOException("no answer on " + registry.url() + "/v2/ within 15s");
    }

    private static String tail(Path log) {
      try {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
      } catch (IOException e) {
        return "(no log)";
      }
    }
  }

  /** A loopback port that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
