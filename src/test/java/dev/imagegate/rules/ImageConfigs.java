package dev.imagegate.rules;

import dev.imagegate.image.ImageConfigParser;
import dev.imagegate.image.ImageFacts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
  public static final String LEAKY_APP = "leaky-app";

  /** The fixtures that are copies of public official images. */
  public static final List<String> OFFICIAL = List.of(NGINX, PYTHON, POSTGRES, KONG, DISTROLESS_NONROOT, DISTROLESS_ROOT);

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
}
