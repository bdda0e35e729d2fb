package dev.imagegate.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.testing.TrustAllTls;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** A certificate renewed on disk is served without a restart; plain HTTP on the webhook port is refused. */
@QuarkusTest
@TestProfile(CertificateReloadTest.MountedCertificate.class)
class CertificateReloadTest {
  static final Path DIR = createDir();

  @TestHTTPResource(value = "/validate", tls = true)
  URL validate;

  public static class MountedCertificate implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      SelfSignedCertificate first = install(generate());
      return Map.of(
          "imagegate.tls.cert", first.certificate().toString(),
          "imagegate.tls.key", first.key().toString(),
          "quarkus.tls.webhook.reload-period", "1s");
    }
  }

  @Test
  void renewedCertificateIsServedWithoutRestart() throws Exception {
    X509Certificate before = served();
    assertThat(before.getSerialNumber()).as("serves the mounted certificate, not a generated one")
        .isEqualTo(onDisk().getSerialNumber());
    install(generate());
    X509Certificate after = before;
    for (int i = 0; i < 100 && after.getSerialNumber().equals(before.getSerialNumber()); i++) {
      Thread.sleep(100);
      try {
        after = served();
      } catch (javax.net.ssl.SSLException duringSwap) {
        // Vert.x swaps the SSL options asynchronously; a handshake in that instant may fail: try again
      }
    }
    assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber()).isEqualTo(onDisk().getSerialNumber());
  }

  private static X509Certificate onDisk() throws IOException, GeneralSecurityException {
    try (var in = Files.newInputStream(DIR.resolve("tls.crt"))) {
      return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @Test
  void plainHttpOnTheWebhookPortIsRefused() throws Exception {
    HttpURLConnection plain = (HttpURLConnection) new URL("http", validate.getHost(), validate.getPort(), "/validate").openConnection();
    plain.setRequestMethod("POST");
    plain.setDoOutput(true);
    plain.setConnectTimeout(2000);
    plain.setReadTimeout(2000);
    boolean answered;
    try {
      plain.getOutputStream().write("{}".getBytes());
      answered = plain.getResponseCode() == 200 || plain.getResponseCode() == 400;
    } catch (IOException refused) {
      answered = false;
    }
    assertThat(answered).isFalse();
  }

  private X509Certificate served() throws GeneralSecurityException, IOException {
    SSLContext context = TrustAllTls.context();
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(validate.getHost(), validate.getPort())) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  /**
   * Replaces the mounted certificate the way the kubelet updates a Secret volume: the files are
   * links through {@code ..data}, which is swapped atomically to a new timestamped directory.
   */
  private static SelfSignedCertificate install(SelfSignedCertificate fresh) {
    try {
      Path version = Files.createTempDirectory(DIR, "..version");
      Files.copy(fresh.certificate(), version.resolve("tls.crt"));
      Files.copy(fresh.key(), version.resolve("tls.key"));
      Path link = DIR.resolve("..data_tmp");
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, version.getFileName());
      Files.move(link, DIR.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      for (String file : new String[] {"tls.crt", "tls.key"}) {
        if (!Files.exists(DIR.resolve(file), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(DIR.resolve(file), Path.of("..data", file));
        }
      }
      return new SelfSignedCertificate(DIR.resolve("tls.crt"), DIR.resolve("tls.key"), fresh.names(), fresh.notAfter());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SelfSignedCertificate generate() {
    try {
      return SelfSignedCertificate.generate();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path createDir() {
    try {
      return Files.createTempDirectory("imagegate-mounted-tls");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
