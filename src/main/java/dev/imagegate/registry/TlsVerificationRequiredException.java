package dev.imagegate.registry;

import java.io.IOException;
import javax.net.ssl.SSLException;

/**
 * jib-core asked to retry a failed TLS handshake with certificate verification off; imagegate never
 * does that. Deliberately not an {@link SSLException}, so jib-core does not go on to plain HTTP.
 */
final class TlsVerificationRequiredException extends IOException {
  TlsVerificationRequiredException(SSLException original) {
    super("TLS certificate verification cannot be turned off", original);
  }
}
