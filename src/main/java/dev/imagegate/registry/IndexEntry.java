package dev.imagegate.registry;

import dev.imagegate.image.Digest;
import java.util.Map;

/**
 * One manifest listed in an image index or manifest list.
 *
 * @param os the platform's os, or null when the entry names no platform
 * @param architecture the platform's architecture, or null
 * @param variant the platform's variant ({@code v8}), or null
 * @param annotations the entry's annotations (OCI index only; empty otherwise)
 */
record IndexEntry(Digest digest, String os, String architecture, String variant, Map<String, String> annotations) {
  static final String REFERENCE_TYPE = "vnd.docker.reference.type";
  static final String ATTESTATION = "attestation-manifest";

  IndexEntry {
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /** BuildKit's provenance/SBOM entries: {@code unknown/unknown}, or annotated as an attestation. */
  boolean isAttestation() {
    return ATTESTATION.equals(annotations.get(REFERENCE_TYPE)) || ("unknown".equals(os) && "unknown".equals(architecture));
  }

  boolean hasPlatform() {
    return os != null && architecture != null && !os.isEmpty() && !architecture.isEmpty();
  }

  String platform() {
    return os + "/" + architecture;
  }

  /** {@code os/architecture[/variant]}, lower-cased: how the index names the child's platform. */
  String name() {
    return (platform() + (variant == null || variant.isEmpty() ? "" : "/" + variant)).toLowerCase(java.util.Locale.ROOT);
  }
}
