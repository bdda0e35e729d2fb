package dev.imagegate.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The configuration file's content as read once, with the short hash that names it
 * ({@code imagegate_config_info{hash}}): what a reload compares and what it parses.
 *
 * @param text the file's content ({@code ""} for the built-in defaults)
 * @param hash the first 12 hex digits of the SHA-256 of {@code text}
 */
public record ConfigFile(String text, String hash) {
  /** No file: the built-in defaults. */
  public static final ConfigFile NONE = of("");

  public static ConfigFile of(String text) {
    return new ConfigFile(text, hash(text));
  }

  /**
   * Reads the file (following a ConfigMap volume's symlinks).
   *
   * @throws ConfigException when it cannot be read, naming it
   */
  public static ConfigFile read(Path file) {
    try {
      return of(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The configuration the text holds; {@link ConfigException} naming the key when it is invalid. */
  public ImagegateConfig parse() {
    return ConfigLoader.parse(text);
  }

  private static String hash(String text) {
    try {
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256", e);
    }
  }
}
