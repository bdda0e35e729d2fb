package dev.imagegate.registry;

import java.io.IOException;

/** jib-core tried to fall back from HTTPS to plain HTTP for a host not configured as insecure. */
final class PlainHttpRefusedException extends IOException {
  PlainHttpRefusedException(String authority) {
    super("refused to fall back to plain HTTP for " + authority);
  }
}
