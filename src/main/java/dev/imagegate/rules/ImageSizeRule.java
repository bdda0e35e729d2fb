package dev.imagegate.rules;

import dev.imagegate.config.ConfigException;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The image is not heavier than {@code maxCompressedSize}: what a node downloads to run it, the sum of
 * the layer sizes in the manifest of the judged platform (read with the config, no extra request). A
 * big image pulls slowly, costs disk on every node and usually carries what it does not need.
 */
public class ImageSizeRule extends OptionalRule {
  public static final String ID = "image-size";

  private static final Pattern SIZE = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,3})?)\\s*([kmgt]i?b|b)?", Pattern.CASE_INSENSITIVE);

  /** @param maxCompressedSize the largest compressed size allowed: {@code 300MB} (decimal units, also KB, GB) or {@code 256MiB} (binary units); default 300MB */
  public record Options(String maxCompressedSize) {
    public Options {
      maxCompressedSize = maxCompressedSize == null ? "300MB" : maxCompressedSize.strip();
      bytes(maxCompressedSize); // a bad size stops the start, naming the key
    }

    long maxBytes() {
      return bytes(maxCompressedSize);
    }
  }

  private final Options options;
  private final long maxBytes;

  public ImageSizeRule(ImagegateConfig config) {
    this(config.rule(ID).options(ID, Options.class));
  }

  public ImageSizeRule(Options options) {
    super(ID);
    this.options = options;
    this.maxBytes = options.maxBytes();
  }

  /** Facts that did not come through a manifest have no size: nothing to judge. */
  @Override
  public List<Violation> check(ContainerContext container, ImageFacts image) {
    long size = image.compressedSize();
    if (size == ImageFacts.UNKNOWN || size <= maxBytes) {
      return List.of();
    }
    return List.of(new Violation(ID, "compressed size " + megabytes(size) + " exceeds maxCompressedSize " + options.maxCompressedSize()
        + "; use a slim, alpine or distroless base and a build stage"));
  }

  /** {@code 300MB} is 300,000,000 bytes, {@code 256MiB} 268,435,456, {@code 1024} 1,024. */
  static long bytes(String size) {
    Matcher m = SIZE.matcher(size.strip());
    if (!m.matches()) {
      throw new ConfigException("maxCompressedSize: invalid size \"" + size + "\": expected e.g. 300MB, 1.5GB or 256MiB");
    }
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    double base = unit.contains("i") ? 1024 : 1000;
    int power = switch (unit.charAt(0)) {
      case 'k' -> 1;
      case 'm' -> 2;
      case 'g' -> 3;
      case 't' -> 4;
      default -> 0;
    };
    long bytes = Math.round(Double.parseDouble(m.group(1)) * Math.pow(base, power));
    if (bytes <= 0) {
      throw new ConfigException("maxCompressedSize: \"" + size + "\" is no size; expected e.g. 300MB");
    }
    return bytes;
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
  }
}
