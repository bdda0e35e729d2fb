package dev.imagegate.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away serving certificate for when none is configured (local runs, first tries). The
 * apiserver will not trust it: production mounts a real one.
 *
 * @param certificate PEM file of the certificate
 * @param key PEM file of its PKCS#8 private key
 * @param names the subject alternative names it is valid for
 * @param notAfter when it expires
 */
public record SelfSignedCertificate(Path certificate, Path key, List<String> names, Instant notAfter) {
  private static final Duration VALIDITY = Duration.ofDays(365);

  /** Writes a new EC P-256 certificate and key for localhost, this host's name and loopback addresses. */
  public static SelfSignedCertificate generate() throws IOException, GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();

    List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
    String host = hostName();
    if (host != null && !names.contains(host)) {
      names.add(host);
    }
    List<GeneralName> sans = new ArrayList<>();
    for (String name : names) {
      boolean ip = Character.isDigit(name.charAt(0)) || name.contains(":");
      sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
    }
    Instant now = Instant.now();
    Instant notAfter = now.plus(VALIDITY);
    X500Name subject = new X500Name("CN=imagegate self-signed");
    X509Certificate certificate;
    try {
      var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(notAfter), subject, pair.getPublic())
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
      certificate = new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    } catch (org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.cert.CertIOException e) {
      throw new GeneralSecurityException("cannot create a self-signed certificate", e);
    }

    Path dir = Files.createTempDirectory("imagegate-tls");
    Path certFile = dir.resolve("tls.crt");
    Path keyFile = dir.resolve("tls.key");
    Files.writeString(certFile, pem(certificate));
    Files.writeString(keyFile, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null)));
    keyFile.toFile().setReadable(false, false);
    keyFile.toFile().setReadable(true, true);
    return new SelfSignedCertificate(certFile, keyFile, List.copyOf(names), notAfter);
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return null;
    }
  }
}
