package dev.imagegate.image;

import java.util.Objects;

/**
 * What a reference asks a registry for, past the repository: a {@link Digest} (content, immutable)
 * or a {@link Tag} (a name that can move). Its {@code toString()} is the form the distribution API
 * takes in {@code /v2/<repository>/manifests/<reference>}.
 */
public sealed interface Qualifier permits Digest, Qualifier.Tag {

  /** A tag as written ({@code 1.27}, {@code latest}); checked by {@link ImageReference#parse}. */
  record Tag(String name) implements Qualifier {
    public Tag {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
