package dev.imagegate.image;

/**
 * A container image reference parsed and normalised as distribution/reference does
 * ({@code nginx} is {@code docker.io/library/nginx:latest}).
 *
 * <p>STUB: the parser is being written; the accessors below are the contract.
 *
 * @param original the reference exactly as written in the pod spec
 * @param registry the registry host (with port), {@code docker.io} for Docker Hub
 * @param repository the repository path, {@code library/nginx} for official images
 * @param tag the tag as written, or {@code null} when none was written
 * @param digest the digest as written ({@code sha256:...}), or {@code null}
 */
public record ImageReference(String original, String registry, String repository, String tag, String digest) {

  /** Parses {@code reference}; throws {@link InvalidReferenceException} with a reason a person can act on. */
  public static ImageReference parse(String reference) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  public boolean hasTag() {
    return tag != null;
  }

  public boolean hasDigest() {
    return digest != null;
  }

  /** Fully qualified form: {@code registry/repository[:tag][@digest]}, with {@code :latest} when neither was written. */
  public String normalized() {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
