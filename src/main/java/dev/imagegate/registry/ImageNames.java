package dev.imagegate.registry;

import dev.imagegate.image.ImageReference;

/** How an image is named in messages: {@code docker.io/library/nginx:1.27}, as the registry sees it. */
final class ImageNames {
  private ImageNames() {}

  /** {@code registry/repository[:tag][@digest]}, with {@code :latest} when neither was written. */
  static String display(ImageReference ref) {
    StringBuilder name = new StringBuilder(ref.registry()).append('/').append(ref.repository());
    if (ref.tag() != null) {
      name.append(':').append(ref.tag());
    } else if (ref.digest() == null) {
      name.append(":latest");
    }
    if (ref.digest() != null) {
      name.append('@').append(ref.digest());
    }
    return name.toString();
  }

  /** What is asked of the registry: the digest when one was written (it wins over the tag), else the tag. */
  static String qualifier(ImageReference ref) {
    if (ref.digest() != null) {
      return ref.digest();
    }
    return ref.tag() != null ? ref.tag() : "latest";
  }
}
