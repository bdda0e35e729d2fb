package dev.imagegate.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegate.image.Digest;
import dev.imagegate.image.ImageConfigParser;
import dev.imagegate.image.ImageFacts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Image config facts for tests: real-shaped fixtures from {@code image-configs/}, or a few fields set by hand. */
public final class ImageConfigs {
  public static final String NGINX = "nginx-1.27";
  public static final String PYTHON = "python-3.12";
  public static final String POSTGRES = "postgres-16";
  public static final String KONG = "kong-3.9";
  public static final String DISTROLESS_NONROOT = "distroless-static-nonroot";
  public static final String DISTROLESS_ROOT = "distroless-static-root";
  public static final String REDIS = "redis-7.4";
  public static final String ALPINE = "alpine-3.20";
  public static final String LEAKY_APP = "leaky-app";
  /** An app on python:3.12-slim with the usual mistakes: apt lists, build tools, sudo, a remote ADD, port 22. */
  public static final String CARELESS_PYTHON_APP = "careless-python-app";

  /** The fixtures that are copies of public official images. */
  public static final List<String> OFFICIAL = List.of(NGINX, PYTHON, POSTGRES, REDIS, KONG, ALPINE, DISTROLESS_NONROOT, DISTROLESS_ROOT);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The manifest digest of images whose manifest no test looks at. */
  public static final Digest ANY_MANIFEST = Digest.parse("sha256:" + "e".repeat(64));

  private ImageConfigs() {}

  /** Parses {@code image-configs/NAME.json} as the registry layer would. */
  public static ImageFacts load(String name) {
    try (InputStream json = ImageConfigs.class.getResourceAsStream("/image-configs/" + name + ".json")) {
      if (json == null) {
        throw new IllegalArgumentException("no fixture image-configs/" + name + ".json");
      }
      return ImageConfigParser.parse("linux/amd64", "sha256:" + "0".repeat(64), json.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ImageFacts withUser(String user) {
    return new ImageFacts("linux/amd64", "sha256:" + "1".repeat(64), user, null, List.of(), List.of());
  }

  public static ImageFacts withHealthcheck(String... test) {
    return new ImageFacts("linux/amd64", "sha256:" + "2".repeat(64), "1000", test == null ? null : Arrays.asList(test), List.of(), List.of());
  }

  public static ImageFacts withEnv(String... keyValues) {
    return new ImageFacts("linux/amd64", "sha256:" + "3".repeat(64), "1000", null, List.of(keyValues), List.of());
  }

  public static ImageFacts withHistory(String... createdBy) {
    return new ImageFacts("linux/amd64", "sha256:" + "4".repeat(64), "1000", null, List.of(), List.of(createdBy));
  }

  /** A config built step by step, parsed as the registry layer would (so its base-image boundary is read, not set). */
  public static Config config() {
    return new Config();
  }

  /** An image config as JSON: env, exposed ports, and history entries with their dates. */
  public static final class Config {
    /** A base image built well before the image on top of it. */
    static final String BASE_DATE = "2024-11-20T10:00:00Z";
    static final String OWN_DATE = "2025-01-10T09:30:00Z";

    private final ObjectNode root = JSON.createObjectNode();
    private final ArrayNode history = root.putArray("history");
    private final ObjectNode config = root.putObject("config");

    private Config() {
      root.put("architecture", "amd64").put("os", "linux");
      config.put("User", "1000");
    }

    public Config env(String... keyValues) {
      ArrayNode env = config.has("Env") ? (ArrayNode) config.get("Env") : config.putArray("Env");
      for (String keyValue : keyValues) {
        env.add(keyValue);
      }
      return this;
    }

    public Config ports(String... ports) {
      ObjectNode exposed = config.has("ExposedPorts") ? (ObjectNode) config.get("ExposedPorts") : config.putObject("ExposedPorts");
      for (String port : ports) {
        exposed.putObject(port);
      }
      return this;
    }

    /** A step of the base image. */
    public Config base(String createdBy) {
      return step(BASE_DATE, createdBy);
    }

    /** The base image's last step, {@code CMD}, as BuildKit records it. */
    public Config baseEnd() {
      return step(BASE_DATE, "CMD [\"/bin/sh\"]");
    }

    /** A step of the image's own Dockerfile. */
    public Config own(String createdBy) {
      return step(OWN_DATE, createdBy);
    }

    public Config step(String created, String createdBy) {
      history.addObject().put("created", created).put("created_by", createdBy);
      return this;
    }

    public ImageFacts facts() {
      try {
        return ImageConfigParser.parse("linux/amd64", "sha256:" + "5".repeat(64), root.toString().getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
