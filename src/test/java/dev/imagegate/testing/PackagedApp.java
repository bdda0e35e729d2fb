package dev.imagegate.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application ({@code target/quarkus-app/quarkus-run.jar}, built by {@code mvn verify}
 * before failsafe runs the {@code *IT}s) in a process of its own: free ports, the self-signed
 * certificate it generates at start, names resolved only from the test hosts file.
 */
public final class PackagedApp implements AutoCloseable {
  private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

  private final Process process;
  private final int webhookPort;
  private final int managementPort;
  private final Path log;

  private PackagedApp(Process process, int webhookPort, int managementPort, Path log) {
    this.process = process;
    this.webhookPort = webhookPort;
    this.managementPort = managementPort;
    this.log = log;
  }

  /** Starts the process with {@code IMAGEGATE_CONFIG=config}; it is not ready yet: see {@link #awaitReady}. */
  public static PackagedApp start(Path config) throws IOException {
    return start(config, "java");
  }

  /** The same on another runtime: {@code java}, the launcher of the JDK to run it on. */
  public static PackagedApp start(Path config, String java) throws IOException {
    int webhookPort = LocalRegistry.freePort();
    int managementPort = LocalRegistry.freePort();
    Path log = Files.createTempFile("imagegate-app", ".log");
    // C1 only and the serial collector: a start costs a fraction of the CPU, and several share two cores
    ProcessBuilder builder = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Djdk.net.hosts.file=" + System.getProperty("jdk.net.hosts.file"), "-jar", JAR.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("IMAGEGATE_CONFIG", config.toString());
    builder.environment().put("QUARKUS_HTTP_SSL_PORT", String.valueOf(webhookPort));
    builder.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
    return new PackagedApp(builder.start(), webhookPort, managementPort, log);
  }

  /** A client that trusts the self-signed webhook certificate. */
  public static HttpClient client() {
    return HttpClient.newBuilder().sslContext(TrustAllTls.context()).connectTimeout(Duration.ofSeconds(2)).build();
  }

  public Process process() {
    return process;
  }

  public int webhookPort() {
    return webhookPort;
  }

  /** {@code GET /q/health/ready} on this process's management port. */
  public HttpRequest readiness() {
    return HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build();
  }

  /** {@code POST /validate} on this process's webhook port. */
  public HttpRequest validate(String review) {
    return HttpRequest.newBuilder(URI.create("https://localhost:" + webhookPort + "/validate?timeout=10s"))
        .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(review)).build();
  }

  /** The most a start may take: generous, since several processes may start at once on a busy 2-core machine. */
  private static final long READY_SECONDS = 120;

  /** Ready when our process answers on both its ports (a port picked free may be taken by a parallel build). */
  public PackagedApp awaitReady(HttpClient client) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        HttpResponse<String> ready = client.send(readiness(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> webhook = client.send(HttpRequest.newBuilder(
            URI.create("https://localhost:" + webhookPort + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200 && webhook.statusCode() == 200) {
          return this;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("imagegate did not become ready within " + READY_SECONDS + " s; its log:\n" + log());
  }

  /** What the process has written so far. */
  public String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
