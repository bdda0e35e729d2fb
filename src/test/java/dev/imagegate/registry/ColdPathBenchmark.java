package dev.imagegate.registry;

import dev.imagegate.config.RegistrySettings;
import dev.imagegate.image.ImageReference;
import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.RegistryAccessLog;
import dev.imagegate.testing.TestCa;
import dev.imagegate.testing.TestImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * Cold-path cost of one distinct image (not a test: run it with {@code bench/cold-path.sh}).
 *
 * <p>For a plain-HTTP and a TLS registry (the real distribution registry on loopback), it pushes
 * distinct images, then reads each once, one after the other, through a fresh {@link ImageResolver}
 * (no cache hit possible), and reports median and p99 latency and the registry requests per image.
 * Beside it, the raw cost of the same two requests (manifest, then config blob) over a kept-alive
 * connection: with the JDK HttpClient, and with {@code curl} given both URLs in one invocation.
 *
 * <p>Arguments: {@code [images per run (default 500)] [warm-up images (default 200)]}.
 */
public final class ColdPathBenchmark {
  private record Row(String what, String transport, double[] millis, double requestsPerImage) {}

  public static void main(String[] args) throws Exception {
    int images = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    List<Row> rows = new ArrayList<>();
    TestCa ca = TestCa.create("imagegate-bench-ca");
    try (LocalRegistry plain = LocalRegistry.startPlain("bench-http");
        LocalRegistry tls = LocalRegistry.builder().name("bench-tls").tls(ca).start()) {
      for (LocalRegistry registry : List.of(plain, tls)) {
        String transport = registry.tls() ? "HTTPS" : "HTTP";
        List<TestImages.Pushed> pushed = TestImages.in(registry).pushVariants("bench/app", TestImages.nginx(), warmUp + 2 * images, 8);
        List<TestImages.Pushed> forResolver = pushed.subList(warmUp, warmUp + images);
        List<TestImages.Pushed> forRaw = pushed.subList(warmUp + images, warmUp + 2 * images);
        rows.add(resolver(registry, transport, pushed.subList(0, warmUp), forResolver));
        rows.add(rawJdk(registry, transport, forRaw));
        if (Files.isExecutable(Path.of("/usr/bin/curl"))) {
          rows.add(rawCurl(registry, transport, forRaw.subList(0, Math.min(200, forRaw.size()))));
        }
      }
    }
    System.out.println();
    System.out.printf("Cold path per distinct image, %d images per row, sequential, loopback registry (docker-registry)%n%n", images);
    System.out.println("| what | transport | median | p99 | registry requests per image |");
    System.out.println("| --- | --- | --- | --- | --- |");
    for (Row row : rows) {
      System.out.printf(Locale.ROOT, "| %s | %s | %.2f ms | %.2f ms | %s |%n", row.what(), row.transport(),
          percentile(row.millis(), 50), percentile(row.millis(), 99),
          Double.isNaN(row.requestsPerImage()) ? "2 (by construction)" : String.format(Locale.ROOT, "%.2f", row.requestsPerImage()));
    }
  }

  /** imagegate: a fresh resolver (cold caches), each image resolved by digest, one at a time. */
  private static Row resolver(LocalRegistry registry, String transport, List<TestImages.Pushed> warmUp, List<TestImages.Pushed> measured)
      throws Exception {
    RegistrySettings settings = registry.tls()
        ? RegistrySettings.defaults()
        : new RegistrySettings(null, List.of(registry.hostPort()), null, null, Duration.ofSeconds(8), null);
    SSLContext trust = registry.tls() ? registry.clientTls() : SSLContext.getDefault();
    try (ImageResolver resolver = RegistryTesting.resolver(settings).tls(trust).build()) {
      for (TestImages.Pushed image : warmUp) {
        resolver.resolve(reference(registry, image)).get(10, TimeUnit.SECONDS);
      }
      RegistryAccessLog log = registry.accessLog();
      log.reset();
      double[] millis = new double[measured.size()];
      for (int i = 0; i < measured.size(); i++) {
        long start = System.nanoTime();
        resolver.resolve(reference(registry, measured.get(i))).get(10, TimeUnit.SECONDS);
        millis[i] = (System.nanoTime() - start) / 1e6;
      }
      return new Row("imagegate ImageResolver.resolve (manifest + config, checked, parsed)", transport, millis,
          (double) log.requests().size() / measured.size());
    }
  }

  /** The same two GETs with the JDK HttpClient over one kept-alive connection, nothing else. */
  private static Row rawJdk(LocalRegistry registry, String transport, List<TestImages.Pushed> images) throws Exception {
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
    if (registry.tls()) {
      builder.sslContext(registry.clientTls());
    }
    HttpClient http = builder.build();
    for (TestImages.Pushed image : images.subList(0, Math.min(100, images.size()))) {
      twoGets(http, registry, image); // warm-up (JIT, connection)
    }
    double[] millis = new double[images.size()];
    for (int i = 0; i < images.size(); i++) {
      long start = System.nanoTime();
      twoGets(http, registry, images.get(i));
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    return new Row("raw: JDK HttpClient, the same 2 GETs, keep-alive", transport, millis, Double.NaN);
  }

  private static void twoGets(HttpClient http, LocalRegistry registry, TestImages.Pushed image) throws IOException, InterruptedException {
    HttpRequest manifest = HttpRequest.newBuilder(URI.create(registry.url() + "/v2/bench/app/manifests/" + image.manifestDigest()))
        .header("Accept", DistributionClient.MANIFEST_ACCEPT).build();
    HttpRequest config = HttpRequest.newBuilder(URI.create(registry.url() + "/v2/bench/app/blobs/" + image.configDigest())).build();
    if (http.send(manifest, HttpResponse.BodyHandlers.ofByteArray()).statusCode() != 200
        || http.send(config, HttpResponse.BodyHandlers.ofByteArray()).statusCode() != 200) {
      throw new IOException("raw GET failed");
    }
  }

  /** curl with both URLs in one invocation (the second reuses the first's connection): the sum of both transfer times. */
  private static Row rawCurl(LocalRegistry registry, String transport, List<TestImages.Pushed> images) throws Exception {
    Path ca = registry.tls() ? registry.caPem() : null;
    double[] millis = new double[images.size()];
    for (int i = 0; i < images.size(); i++) {
      TestImages.Pushed image = images.get(i);
      List<String> command = new ArrayList<>(List.of("curl", "-s", "-H", "Accept: " + DistributionClient.MANIFEST_ACCEPT,
          "-w", "%{time_total}\\n", "-o", "/dev/null", "-o", "/dev/null"));
      if (ca != null) {
        command.addAll(List.of("--cacert", ca.toString()));
      }
      command.add(registry.url() + "/v2/bench/app/manifests/" + image.manifestDigest());
      command.add(registry.url() + "/v2/bench/app/blobs/" + image.configDigest());
      Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (curl.waitFor() != 0) {
        throw new IOException("curl failed: " + out);
      }
      millis[i] = Arrays.stream(out.trim().split("\\s+")).mapToDouble(Double::parseDouble).sum() * 1000;
    }
    return new Row("raw: curl, the same 2 GETs in one invocation (incl. connect" + (registry.tls() ? " + TLS handshake" : "") + ")",
        transport, millis, Double.NaN);
  }

  private static ImageReference reference(LocalRegistry registry, TestImages.Pushed image) {
    return RegistryTesting.ref(registry.hostPort(), "bench/app", null, image.manifestDigest());
  }

  private static double percentile(double[] values, int percentile) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private ColdPathBenchmark() {}
}
