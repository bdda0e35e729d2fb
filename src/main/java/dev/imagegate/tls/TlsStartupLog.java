package dev.imagegate.tls;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** Says at start which certificate the webhook serves, so a self-signed one is never a surprise. */
@Singleton
class TlsStartupLog {
  void onStart(@Observes StartupEvent event) {
    SelfSignedCertificate self = WebhookTlsConfigSource.generated();
    if (self != null) {
      Log.warnf("no TLS certificate configured (IMAGEGATE_TLS_CERT/IMAGEGATE_TLS_KEY): serving a self-signed "
          + "certificate for %s, valid until %s, written to %s. The apiserver will not trust it.",
          self.names(), self.notAfter(), self.certificate());
    }
  }
}
