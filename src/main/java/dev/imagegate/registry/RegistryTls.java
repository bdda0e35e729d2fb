package dev.imagegate.registry;

import dev.imagegate.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Per-registry trust ({@code registries.caBundles}): for each listed {@code host[:port]}, a TLS
 * context that trusts the certificates of its PEM bundle on top of the system trust store. Read
 * once at start-up; a missing or unreadable bundle stops it, naming the key.
 */
final class RegistryTls {
  private RegistryTls() {}

  /** {@code host[:port]} (lower case) → TLS context trusting its bundle and the system trust store. */
  static Map<String, SSLContext> contexts(Map<String, String> caBundles) {
    Map<String, SSLContext> contexts = new HashMap<>();
    caBundles.forEach((host, path) -> {
      String key = host.trim().toLowerCase(Locale.ROOT);
      String where = "registries.caBundles." + host + ": ";
      if (key.isEmpty() || key.contains("/")) {
        throw new ConfigException(where + "the key must be host or host:port");
      }
      if (path == null || path.isBlank()) {
        throw new ConfigException(where + "no file given");
      }
      List<X509Certificate> certificates = readBundle(Path.of(path), where);
      contexts.put(key, context(certificates, where));
    });
    return Map.copyOf(contexts);
  }

  private static List<X509Certificate> readBundle(Path file, String where) {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate certificate : read) {
        if (certificate instanceof X509Certificate x509) {
          certificates.add(x509);
        }
      }
      if (certificates.isEmpty()) {
        throw new ConfigException(where + file + " holds no PEM certificate");
      }
      return certificates;
    } catch (IOException e) {
      throw new ConfigException(where + "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    } catch (CertificateException e) {
      throw new ConfigException(where + file + " is not a PEM certificate bundle");
    }
  }

  private static SSLContext context(List<X509Certificate> certificates, String where) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("ca-" + i, certificates.get(i));
      }
      X509ExtendedTrustManager bundle = trustManager(store);
      X509ExtendedTrustManager system = trustManager(null);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new EitherTrustManager(bundle, system)}, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException(where + "cannot build a trust store (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The PKIX trust manager for {@code store}; null means the JVM's default trust store. */
  private static X509ExtendedTrustManager trustManager(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager extended) {
        return extended;
      }
    }
    throw new GeneralSecurityException("no X509ExtendedTrustManager");
  }

  /**
   * Trusts a server that either the bundle or the system trust store trusts. Both are the JDK's own
   * PKIX managers, so host-name verification (the HTTP client asks for it) happens in each.
   */
  static final class EitherTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager bundle;
    private final X509ExtendedTrustManager system;

    EitherTrustManager(X509ExtendedTrustManager bundle, X509ExtendedTrustManager system) {
      this.bundle = bundle;
      this.system = system;
    }

    private interface Check {
      void run(X509ExtendedTrustManager manager) throws CertificateException;
    }

    private void either(Check check) throws CertificateException {
      try {
        check.run(bundle);
      } catch (CertificateException fromBundle) {
        try {
          check.run(system);
        } catch (CertificateException fromSystem) {
          // The bundle's own complaint (e.g. a wrong host name) is the telling one unless it simply did not know the issuer.
          throw untrustedPath(fromBundle) ? fromSystem : fromBundle;
        }
      }
    }

    private static boolean untrustedPath(Throwable error) {
      for (Throwable t = error; t != null; t = t.getCause()) {
        if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      either(m -> m.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      either(m -> m.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      either(m -> m.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      List<X509Certificate> all = new ArrayList<>(List.of(bundle.getAcceptedIssuers()));
      all.addAll(List.of(system.getAcceptedIssuers()));
      return all.toArray(X509Certificate[]::new);
    }
  }
}
