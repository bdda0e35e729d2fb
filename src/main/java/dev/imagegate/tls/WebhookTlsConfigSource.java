package dev.imagegate.tls;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Points the webhook's TLS configuration ({@code quarkus.tls.webhook}) at the certificate to serve:
 * {@code IMAGEGATE_TLS_CERT} / {@code IMAGEGATE_TLS_KEY} (PEM files, re-read every
 * {@code quarkus.tls.webhook.reload-period}) or, when neither they nor the Quarkus keys are set,
 * a self-signed certificate generated at start.
 */
public class WebhookTlsConfigSource implements ConfigSourceFactory {
  static final String CERT = "quarkus.tls.webhook.key-store.pem.0.cert";
  static final String KEY = "quarkus.tls.webhook.key-store.pem.0.key";

  /**
   * Above application.properties (250), below environment variables (300) and system properties:
   * Quarkus bakes build-time values of runtime keys into a low-ordinal default source, which this
   * must override, while an operator's QUARKUS_TLS_WEBHOOK_* variables still win.
   */
  static final int ORDINAL = 275;

  /** Generated once per process, however often configuration is built. */
  private static volatile SelfSignedCertificate generated;

  @Override
  public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
    if ("false".equals(value(context, "quarkus.http.host-enabled"))) {
      return List.of(); // no server (imagegate check): no certificate to serve
    }
    if (setByOperator(context, CERT) || setByOperator(context, KEY)) {
      return List.of(); // configured the Quarkus way: nothing to add
    }
    String cert = value(context, "imagegate.tls.cert");
    String key = value(context, "imagegate.tls.key");
    if (cert != null || key != null) {
      if (cert == null || key == null) {
        throw new IllegalStateException("IMAGEGATE_TLS_CERT and IMAGEGATE_TLS_KEY must be set together");
      }
      return List.of(source(cert, key));
    }
    SelfSignedCertificate self = selfSigned();
    return List.of(source(self.certificate().toString(), self.key().toString()));
  }

  /** The certificate generated at start, or null when a configured one is served. */
  public static SelfSignedCertificate generated() {
    return generated;
  }

  private static synchronized SelfSignedCertificate selfSigned() {
    if (generated == null) {
      try {
        generated = SelfSignedCertificate.generate();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot generate a self-signed certificate", e);
      }
    }
    return generated;
  }

  private static ConfigSource source(String cert, String key) {
    return new PropertiesConfigSource(Map.of(CERT, cert, KEY, key), "imagegate-webhook-tls", ORDINAL);
  }

  private static boolean setByOperator(ConfigSourceContext context, String name) {
    ConfigValue value = context.getValue(name);
    return value != null && value.getValue() != null && !value.getValue().isBlank()
        && value.getConfigSourceOrdinal() > ORDINAL;
  }

  private static String value(ConfigSourceContext context, String name) {
    ConfigValue value = context.getValue(name);
    return value == null || value.getValue() == null || value.getValue().isBlank() ? null : value.getValue();
  }
}
