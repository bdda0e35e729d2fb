package dev.imagegate.registry;

/** Why a fetch failed, as the small fixed set used for the {@code reason} metric label. */
enum ErrorReason {
  TIMEOUT("timeout"),
  NOT_FOUND("not_found"),
  UNAUTHORIZED("unauthorized"),
  TLS("tls"),
  IO("io"),
  INVALID("invalid");

  private final String label;

  ErrorReason(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }
}
