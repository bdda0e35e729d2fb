package dev.imagegate.policy;

import dev.imagegate.image.ImageReference;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Image exemption patterns: {@code *} matches any run of characters (slashes too), {@code ?} one
 * character. A pattern matches the image as written or its normalised form, so both
 * {@code nginx:*} and {@code docker.io/library/nginx:*} exempt {@code nginx:1.27}.
 */
public final class ImageGlob {
  private final List<Pattern> patterns;

  public ImageGlob(List<String> globs) {
    this.patterns = globs.stream().map(ImageGlob::compile).toList();
  }

  public boolean matches(String image, ImageReference reference) {
    if (patterns.isEmpty()) {
      return false;
    }
    String normalized = reference == null ? null : reference.normalized();
    return patterns.stream()
        .anyMatch(p -> p.matcher(image).matches() || (normalized != null && p.matcher(normalized).matches()));
  }

  private static Pattern compile(String glob) {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }
}
