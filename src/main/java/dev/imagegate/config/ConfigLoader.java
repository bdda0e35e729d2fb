package dev.imagegate.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the YAML configuration file; a wrong key or value stops start-up with the key named. */
public final class ConfigLoader {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .registerModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer()));

  private ConfigLoader() {}

  public static ImagegateConfig load(Path file) {
    return ConfigFile.read(file).parse();
  }

  public static ImagegateConfig parse(String yaml) {
    if (yaml.isBlank()) {
      return ImagegateConfig.defaults();
    }
    try {
      ImagegateConfig config = YAML.readValue(yaml, ImagegateConfig.class);
      return config == null ? ImagegateConfig.defaults() : config;
    } catch (JsonProcessingException e) {
      throw new ConfigException("invalid configuration: " + rootMessage(e) + location(e), e);
    }
  }

  /** Kubernetes-style durations: {@code 500ms}, {@code 8s}, {@code 5m}, {@code 1h}; ISO-8601 ({@code PT8S}) too. */
  public static Duration duration(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(value);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
    try {
      return Duration.parse(text.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid duration \"" + text + "\": expected e.g. 500ms, 8s, 5m or 1h");
    }
  }

  private static String rootMessage(JsonProcessingException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root instanceof JsonProcessingException json ? json.getOriginalMessage() : root.getMessage();
  }

  /** Where in the file, as the key is written: {@code (at registries.timout)}, {@code (at exceptions[0].reason)}. */
  private static String location(JsonProcessingException e) {
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      StringBuilder key = new StringBuilder();
      for (JsonMappingException.Reference reference : mapping.getPath()) {
        if (reference.getFieldName() != null) {
          key.append(key.isEmpty() ? "" : ".").append(reference.getFieldName());
        } else if (reference.getIndex() >= 0) {
          key.append('[').append(reference.getIndex()).append(']');
        }
      }
      return " (at " + key + ")";
    }
    return "";
  }

  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      return duration(p.getValueAsString());
    }
  }
}
