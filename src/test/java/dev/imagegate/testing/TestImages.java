package dev.imagegate.testing;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.blob.Blobs;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.image.json.ManifestTemplate;
import com.google.cloud.tools.jib.registry.RegistryClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Pushes images with exact configs to a {@link LocalRegistry}, through jib-core's
 * {@link RegistryClient}: a config blob, one tiny layer, and the manifest (Docker v2.2 or OCI); or an
 * image index / manifest list of several platforms, optionally with a BuildKit-style attestation
 * entry. Presets are shaped like the real images.
 *
 * <pre>{@code
 * TestImages images = TestImages.in(registry);
 * TestImages.Pushed nginx = images.push("library/nginx", "1.27", TestImages.nginx());
 * TestImages.PushedIndex multi = images.pushIndex("library/nginx", "1.27-multi", Format.OCI, true,
 *     TestImages.nginx().platform("linux/amd64"), TestImages.nginx().platform("linux/arm64/v8"));
 * }</pre>
 *
 * <p>The pusher uses jib-core's public {@link FailoverHttpClient} with failover on (plain HTTP, and
 * TLS without certificate checks: acceptable for a local test registry only), shut down after
 * each push.
 */
public final class TestImages {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] LAYER = tinyLayer();

  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** Manifest flavour. */
  public enum Format {
    /** Docker v2.2 manifest / manifest list. */
    DOCKER,
    /** OCI image manifest / image index. */
    OCI
  }

  /**
   * An image config: the fields imagegate's rules read, and the platform.
   *
   * @param platform {@code os/architecture[/variant]}
   * @param user {@code User}, null to leave it out
   * @param env {@code Env}
   * @param healthcheck {@code Healthcheck.Test}, null for no healthcheck
   * @param history {@code created_by} of each history entry
   * @param osVersion {@code os.version} (Windows images: e.g. {@code 10.0.20348.2227}), null to leave it out
   */
  public record Config(String platform, String user, List<String> env, List<String> healthcheck, List<String> history, String osVersion) {
    public Config {
      env = env == null ? List.of() : List.copyOf(env);
      healthcheck = healthcheck == null ? null : List.copyOf(healthcheck);
      history = history == null ? List.of() : List.copyOf(history);
    }

    public Config(String platform, String user, List<String> env, List<String> healthcheck, List<String> history) {
      this(platform, user, env, healthcheck, history, null);
    }

    public Config platform(String platform) {
      return new Config(platform, user, env, healthcheck, history, osVersion);
    }

    /** This config for a Windows build, e.g. {@code windows("10.0.20348.2227")} (Server 2022). */
    public Config windows(String osVersion) {
      return new Config("windows/amd64", user, env, healthcheck, history, osVersion);
    }

    public Config user(String user) {
      return new Config(platform, user, env, healthcheck, history, osVersion);
    }

    /** This config with one more {@code KEY=VALUE} in Env. */
    public Config withEnv(String entry) {
      List<String> more = new ArrayList<>(env);
      more.add(entry);
      return new Config(platform, user, more, healthcheck, history, osVersion);
    }

    public Config healthcheck(List<String> test) {
      return new Config(platform, user, env, test, history, osVersion);
    }

    /** The config blob, as a registry serves it. */
    public String toJson() {
      String[] parts = platform.split("/");
      ObjectNode root = JSON.createObjectNode();
      root.put("architecture", parts[1]);
      if (parts.length > 2) {
        root.put("variant", parts[2]);
      }
      root.put("os", parts[0]);
      if (osVersion != null) {
        root.put("os.version", osVersion);
      }
      root.put("created", "2024-11-26T00:00:00Z");
      ObjectNode config = root.putObject("config");
      if (user != null) {
        config.put("User", user);
      }
      env.forEach(config.putArray("Env")::add);
      config.putArray("Cmd").add("/bin/sh");
      if (healthcheck != null) {
        ObjectNode check = config.putObject("Healthcheck");
        healthcheck.forEach(check.putArray("Test")::add);
        check.put("Interval", 10_000_000_000L);
        check.put("Timeout", 10_000_000_000L);
        check.put("Retries", 10);
      }
      ObjectNode rootfs = root.putObject("rootfs");
      rootfs.put("type", "layers");
      rootfs.putArray("diff_ids").add(sha256(LAYER));
      ArrayNode entries = root.putArray("history");
      for (String createdBy : history) {
        ObjectNode entry = entries.addObject();
        entry.put("created", "2024-11-26T00:00:00Z");
        entry.put("created_by", createdBy);
      }
      return root.toString();
    }
  }

  /**
   * A pushed image manifest.
   *
   * @param manifestDigest digest of the manifest
   * @param configDigest digest of its config blob
   * @param platform the config's platform
   */
  public record Pushed(String manifestDigest, String configDigest, String platform, String mediaType, long size) {}

  /**
   * A pushed image index or manifest list.
   *
   * @param digest digest of the index
   * @param platforms the platform manifests, in index order
   * @param attestationDigest digest of the attestation manifest, or null
   */
  public record PushedIndex(String digest, List<Pushed> platforms, String attestationDigest) {}

  // ---- presets ---------------------------------------------------------------------------------

  /** Like {@code nginx:1.27}: root ({@code "User": ""}), no Healthcheck. */
  public static Config nginx() {
    return new Config(
        "linux/amd64",
        "",
        List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NGINX_VERSION=1.27.3", "NJS_VERSION=0.8.7", "NJS_RELEASE=1~bookworm", "PKG_RELEASE=1~bookworm", "DYNPKG_RELEASE=1~bookworm"),
        null,
        List.of("/bin/sh -c #(nop) ADD file:4b1be1de1a1e5aa608c688cad2824587262081866180b7368feb79d33ca05953 in / ", "LABEL maintainer=NGINX Docker Maintainers <docker-maint@nginx.com>", "ENV NGINX_VERSION=1.27.3", "EXPOSE map[80/tcp:{}]", "STOPSIGNAL SIGQUIT", "CMD [\"nginx\" \"-g\" \"daemon off;\"]"));
  }

  /** Like {@code python:3.12}: root, with the GPG_KEY build variable left in Env. */
  public static Config python() {
    return new Config(
        "linux/amd64",
        null,
        List.of("PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305", "PYTHON_VERSION=3.12.8", "PYTHON_SHA256=c909157bb25ec114e5869124cc2a9c4a4d4c1e957ca4ff553f1edc692101154e"),
        null,
        List.of("ENV LANG=C.UTF-8", "ENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305", "CMD [\"python3\"]"));
  }

  /** Like {@code gcr.io/distroless/static:nonroot}: User 65532. */
  public static Config distrolessNonroot() {
    return new Config(
        "linux/amd64",
        "65532",
        List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"),
        null,
        List.of("bazel build ..."));
  }

  /** Like {@code gcr.io/distroless/static}: User 0. */
  public static Config distrolessRoot() {
    return new Config(
        "linux/amd64",
        "0",
        List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"),
        null,
        List.of("bazel build ..."));
  }

  /** Like {@code kong:3.8}: User kong, Healthcheck {@code CMD-SHELL kong health}. */
  public static Config kong() {
    return new Config(
        "linux/amd64",
        "kong",
        List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "KONG_VERSION=3.8.0"),
        List.of("CMD-SHELL", "kong health"),
        List.of("ENV KONG_VERSION=3.8.0", "USER kong", "HEALTHCHECK &{[\"CMD-SHELL\" \"kong health\"] \"10s\" \"10s\" \"0s\" \"0s\" '\\n'}"));
  }

  /** A careless image: an AWS secret key (AWS's documented example) baked into Env. */
  public static Config leaky() {
    return new Config(
        "linux/amd64",
        "1000",
        List.of("PATH=/usr/local/bin:/usr/bin:/bin", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        null,
        List.of("ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
  }

  /** The compressed size of every pushed image: its one layer. */
  public static long layerSize() {
    return LAYER.length;
  }

  // ---- pushing ---------------------------------------------------------------------------------

  private final LocalRegistry registry;

  private TestImages(LocalRegistry registry) {
    this.registry = registry;
  }

  public static TestImages in(LocalRegistry registry) {
    return new TestImages(registry);
  }

  /** Pushes a Docker v2.2 image; {@code tag} null pushes by digest only. */
  public Pushed push(String repository, String tag, Config config) {
    return push(repository, tag, config, Format.DOCKER);
  }

  public Pushed push(String repository, String tag, Config config, Format format) {
    return pushConfigJson(repository, tag, config.platform(), config.toJson(), format);
  }

  /** Pushes an image whose config blob is exactly {@code configJson}. */
  public Pushed pushConfigJson(String repository, String tag, String platform, String configJson, Format format) {
    return withClient(repository, client -> pushImage(client, tag, platform, configJson.getBytes(StandardCharsets.UTF_8), format));
  }

  /**
   * Pushes each config as a platform image (by digest), then an index (OCI) or manifest list
   * (Docker) of them under {@code tag}, with an attestation entry for the first platform if asked.
   */
  public PushedIndex pushIndex(String repository, String tag, Format format, boolean withAttestation, Config... platforms) {
    return withClient(repository, client -> {
      List<Pushed> pushed = new ArrayList<>();
      for (Config config : platforms) {
        pushed.add(pushImage(client, null, config.platform(), config.toJson().getBytes(StandardCharsets.UTF_8), format));
      }
      ObjectNode index = JSON.createObjectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", format == Format.OCI ? OCI_INDEX : DOCKER_LIST);
      ArrayNode manifests = index.putArray("manifests");
      for (int i = 0; i < pushed.size(); i++) {
        Pushed image = pushed.get(i);
        ObjectNode entry = manifests.addObject();
        entry.put("mediaType", image.mediaType());
        entry.put("digest", image.manifestDigest());
        entry.put("size", image.size());
        String[] parts = image.platform().split("/");
        ObjectNode platform = entry.putObject("platform");
        platform.put("architecture", parts[1]);
        platform.put("os", parts[0]);
        if (parts.length > 2) {
          platform.put("variant", parts[2]);
        }
        if (platforms[i].osVersion() != null) {
          platform.put("os.version", platforms[i].osVersion());
        }
      }
      String attestation = null;
      if (withAttestation) {
        Pushed statement = pushAttestation(client, pushed.get(0).manifestDigest());
        attestation = statement.manifestDigest();
        ObjectNode entry = manifests.addObject();
        entry.put("mediaType", OCI_MANIFEST);
        entry.put("digest", statement.manifestDigest());
        entry.put("size", statement.size());
        ObjectNode annotations = entry.putObject("annotations");
        annotations.put("vnd.docker.reference.digest", pushed.get(0).manifestDigest());
        annotations.put("vnd.docker.reference.type", "attestation-manifest");
        ObjectNode platform = entry.putObject("platform");
        platform.put("architecture", "unknown");
        platform.put("os", "unknown");
      }
      String digest = pushManifest(client, index, tag).manifestDigest();
      return new PushedIndex(digest, pushed, attestation);
    });
  }

  /**
   * Pushes a manifest or index exactly as {@code json} (e.g. with fields a newer spec added), by
   * tag, or by its digest when {@code tag} is null. Whatever it references must be pushed already.
   */
  public Pushed pushManifestJson(String repository, String tag, ObjectNode json) {
    return withClient(repository, client -> pushManifest(client, json, tag));
  }

  /**
   * Pushes {@code count} distinct image manifests (by digest, no tag) that share one config and
   * one layer: each differs only by an annotation, so each has its own digest and fetching each is
   * a full cold fetch (manifest, then config). Fast: after the first image, only a manifest
   * {@code PUT} each, over keep-alive, {@code parallel} at a time (registries without authentication).
   *
   * @return the pushed manifests, in order
   */
  public List<Pushed> pushVariants(String repository, Config config, int count, int parallel) {
    return pushVariants(repository, config, count, parallel, null);
  }

  /** As {@link #pushVariants(String, Config, int, int)}, variant {@code n} under the tag {@code tags.apply(n)}. */
  public List<Pushed> pushVariants(String repository, Config config, int count, int parallel, java.util.function.IntFunction<String> tags) {
    if (registry.pushCredential() != null) {
      throw new IllegalStateException("pushVariants needs a registry without authentication");
    }
    Pushed first = push(repository, null, config, Format.OCI);
    byte[] configBytes = config.toJson().getBytes(StandardCharsets.UTF_8);
    java.net.http.HttpClient.Builder builder = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1);
    if (registry.tls()) {
      builder.sslContext(registry.clientTls());
    }
    java.net.http.HttpClient http = builder.build();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
    try {
      List<java.util.concurrent.Future<Pushed>> pushes = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        pushes.add(pool.submit(() -> {
          ObjectNode manifest = JSON.createObjectNode();
          manifest.put("schemaVersion", 2);
          manifest.put("mediaType", OCI_MANIFEST);
          ObjectNode configDescriptor = manifest.putObject("config");
          configDescriptor.put("mediaType", OCI_CONFIG);
          configDescriptor.put("size", configBytes.length);
          configDescriptor.put("digest", first.configDigest());
          ObjectNode layer = manifest.putArray("layers").addObject();
          layer.put("mediaType", OCI_LAYER);
          layer.put("size", LAYER.length);
          layer.put("digest", sha256(LAYER));
          manifest.putObject("annotations").put("dev.imagegate.test/variant", Integer.toString(n));
          byte[] bytes = JSON.writeValueAsBytes(manifest);
          String digest = sha256(bytes);
          java.net.http.HttpRequest put = java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create(registry.url() + "/v2/" + repository + "/manifests/" + (tags == null ? digest : tags.apply(n))))
              .header("Content-Type", OCI_MANIFEST)
              .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes))
              .build();
          int status = http.send(put, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
          if (status != 201) {
            throw new IOException("PUT manifest " + digest + ": HTTP " + status);
          }
          return new Pushed(digest, first.configDigest(), config.platform(), OCI_MANIFEST, bytes.length);
        }));
      }
      List<Pushed> pushed = new ArrayList<>();
      for (java.util.concurrent.Future<Pushed> push : pushes) {
        pushed.add(push.get());
      }
      return pushed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("push to " + registry + "/" + repository + " failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private Pushed pushImage(RegistryClient client, String tag, String platform, byte[] config, Format format)
      throws IOException, RegistryException {
    String configDigest = pushBlob(client, config);
    String layerDigest = pushBlob(client, LAYER);
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", format == Format.OCI ? OCI_MANIFEST : DOCKER_MANIFEST);
    ObjectNode configDescriptor = manifest.putObject("config");
    configDescriptor.put("mediaType", format == Format.OCI ? OCI_CONFIG : DOCKER_CONFIG);
    configDescriptor.put("size", config.length);
    configDescriptor.put("digest", configDigest);
    ObjectNode layer = manifest.putArray("layers").addObject();
    layer.put("mediaType", format == Format.OCI ? OCI_LAYER : DOCKER_LAYER);
    layer.put("size", LAYER.length);
    layer.put("digest", layerDigest);
    Pushed pushed = pushManifest(client, manifest, tag);
    return new Pushed(pushed.manifestDigest(), configDigest, platform, pushed.mediaType(), pushed.size());
  }

  /** A BuildKit-style provenance manifest: an in-toto statement about {@code subject}. */
  private Pushed pushAttestation(RegistryClient client, String subject) throws IOException, RegistryException {
    byte[] config = "{\"architecture\":\"unknown\",\"os\":\"unknown\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
        .getBytes(StandardCharsets.UTF_8);
    byte[] statement = ("{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"predicateType\":\"https://slsa.dev/provenance/v0.2\","
        + "\"subject\":[{\"name\":\"pkg:docker/test\",\"digest\":{\"sha256\":\"" + subject.substring(7) + "\"}}],\"predicate\":{}}")
        .getBytes(StandardCharsets.UTF_8);
    String configDigest = pushBlob(client, config);
    String statementDigest = pushBlob(client, statement);
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", OCI_MANIFEST);
    ObjectNode configDescriptor = manifest.putObject("config");
    configDescriptor.put("mediaType", OCI_CONFIG);
    configDescriptor.put("size", config.length);
    configDescriptor.put("digest", configDigest);
    ObjectNode layer = manifest.putArray("layers").addObject();
    layer.put("mediaType", "application/vnd.in-toto+json");
    layer.put("size", statement.length);
    layer.put("digest", statementDigest);
    layer.putObject("annotations").put("in-toto.io/predicate-type", "https://slsa.dev/provenance/v0.2");
    return pushManifest(client, manifest, null);
  }

  private static String pushBlob(RegistryClient client, byte[] bytes) throws IOException, RegistryException {
    String digest = sha256(bytes);
    try {
      if (client.checkBlob(DescriptorDigest.fromDigest(digest)).isPresent()) {
        return digest;
      }
      client.pushBlob(DescriptorDigest.fromDigest(digest), Blobs.from(new ByteArrayInputStream(bytes)), null, written -> {});
    } catch (java.security.DigestException e) {
      throw new IOException(e);
    }
    return digest;
  }

  /** Pushes a manifest by tag, or by its digest when {@code tag} is null. */
  private static Pushed pushManifest(RegistryClient client, ObjectNode json, String tag) throws IOException, RegistryException {
    RawManifest manifest = new RawManifest(json);
    byte[] bytes = JSON.writeValueAsBytes(json);
    String digest = sha256(bytes);
    String pushedDigest = client.pushManifest(manifest, tag == null ? digest : tag).toString();
    if (!pushedDigest.equals(digest)) {
      throw new IOException("registry stored manifest " + pushedDigest + ", expected " + digest);
    }
    return new Pushed(digest, null, null, manifest.getManifestMediaType(), bytes.length);
  }

  private interface Push<T> {
    T run(RegistryClient client) throws IOException, RegistryException;
  }

  private <T> T withClient(String repository, Push<T> push) {
    FailoverHttpClient http = new FailoverHttpClient(true, true, event -> {});
    try {
      RegistryClient client =
          RegistryClient.factory(EventHandlers.NONE, registry.hostPort(), repository, http)
              .setCredential(registry.pushCredential())
              .setUserAgent("imagegate-tests")
              .newRegistryClient();
      if (registry.pushCredential() != null && !client.doPushBearerAuth()) {
        client.configureBasicAuth();
      }
      return push.run(client);
    } catch (IOException | RegistryException e) {
      throw new IllegalStateException("push to " + registry + "/" + repository + " failed: " + e, e);
    } finally {
      try {
        http.shutDown();
      } catch (IOException ignored) {
        // sockets close with the transports anyway
      }
    }
  }

  /** A manifest pushed exactly as the given JSON (jib-core serialises templates through Jackson). */
  static final class RawManifest implements ManifestTemplate {
    @JsonValue private final JsonNode json;

    RawManifest(JsonNode json) {
      this.json = json;
    }

    @Override
    public int getSchemaVersion() {
      return json.path("schemaVersion").asInt();
    }

    @Override
    public String getManifestMediaType() {
      return json.path("mediaType").asText();
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A gzipped tar with one small file; the same bytes every time. */
  private static byte[] tinyLayer() {
    try {
      byte[] content = "imagegate test layer\n".getBytes(StandardCharsets.UTF_8);
      byte[] tar = new byte[512 + 512 + 1024];
      byte[] header = new byte[512];
      put(header, 0, "hello.txt");
      put(header, 100, "0000644");
      put(header, 108, "0000000");
      put(header, 116, "0000000");
      put(header, 124, String.format("%011o", content.length));
      put(header, 136, "00000000000");
      for (int i = 148; i < 156; i++) {
        header[i] = ' ';
      }
      header[156] = '0';
      put(header, 257, "ustar");
      put(header, 263, "00");
      long sum = 0;
      for (byte b : header) {
        sum += b & 0xff;
      }
      put(header, 148, String.format("%06o", sum));
      header[154] = 0;
      header[155] = ' ';
      System.arraycopy(header, 0, tar, 0, 512);
      System.arraycopy(content, 0, tar, 512, content.length);
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
        out.write(tar);
      }
      return gz.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void put(byte[] header, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }
}
