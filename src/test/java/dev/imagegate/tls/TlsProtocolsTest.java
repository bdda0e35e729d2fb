package dev.imagegate.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagegate.testing.TrustAllTls;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** The webhook speaks TLS 1.2 and 1.3 with forward-secret AEAD ciphers only. */
@QuarkusTest
class TlsProtocolsTest {

  @TestHTTPResource(value = "/validate", tls = true)
  URL validate;

  @Test
  void tls13AndTls12WithModernCiphersAreAccepted() throws Exception {
    assertThat(handshake(new String[] {"TLSv1.3"}, null)).isEqualTo("TLSv1.3");
    assertThat(handshake(new String[] {"TLSv1.2"}, new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"})).isEqualTo("TLSv1.2");
  }

  @Test
  void staticRsaAndCbcCiphersAreRefused() {
    for (String weak : new String[] {"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"}) {
      assertThatThrownBy(() -> handshake(new String[] {"TLSv1.2"}, new String[] {weak}))
          .as(weak).isInstanceOf(SSLHandshakeException.class);
    }
  }

  private String handshake(String[] protocols, String[] ciphers) throws Exception {
    SSLContext context = TrustAllTls.context();
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(validate.getHost(), validate.getPort())) {
      socket.setEnabledProtocols(protocols);
      if (ciphers != null) {
        socket.setEnabledCipherSuites(ciphers);
      }
      socket.startHandshake();
      return socket.getSession().getProtocol();
    }
  }
}
