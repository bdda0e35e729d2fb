package dev.imagegate.policy;

import dev.imagegate.image.ImageReference;
import java.util.List;

/**
 * Image patterns ({@link Glob}: {@code *} any run of characters, slashes too, {@code ?} one
 * character). A pattern matches the image as written or its normalised form, so both
 * {@code nginx:*} and {@code docker.io/library/nginx:*} match {@code nginx:1.27}.
 */
public final class ImageGlob {
  private final Glob glob;

  public ImageGlob(List<String> globs) {
    this.glob = new Glob(globs);
  }

  public boolean matches(String image, ImageReference reference) {
    if (glob.isEmpty()) {
      return false;
    }
    return glob.matches(image) || (reference != null && glob.matches(reference.normalized()));
  }
}
