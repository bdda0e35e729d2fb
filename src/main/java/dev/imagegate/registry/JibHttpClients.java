package dev.imagegate.registry;

import com.google.api.client.http.HttpTransport;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Creates jib-core's {@link FailoverHttpClient} on top of our {@link FetchTransport}.
 *
 * <p>Why reflection: the public constructor makes FailoverHttpClient open a new Apache transport
 * (and socket) for every request, keep them all until {@code shutDown()}, and retry failed I/O
 * with exponential back-off for about a minute. The only constructor that takes the transports is
 * package-private ({@code @VisibleForTesting}). We call it here, and only here;
 * {@code JibHttpClientsTest} fails loudly if a jib-core upgrade changes it.
 */
final class JibHttpClients {
  private static final Constructor<FailoverHttpClient> WITH_TRANSPORTS = findConstructor();

  private JibHttpClients() {}

  /**
   * A FailoverHttpClient for one fetch. Its {@code shutDown()} releases nothing shared.
   *
   * @param plainHttp whether the endpoint is plain HTTP: enables jib-core's HTTP path (needed for
   *     {@code http://} token realms) and sending credentials to it, as Docker does for insecure registries
   */
  static FailoverHttpClient create(boolean plainHttp, FetchTransport transport, Consumer<LogEvent> logger) {
    Supplier<HttpTransport> secure = () -> transport;
    Supplier<HttpTransport> insecure = transport::insecureTransport;
    try {
      return WITH_TRANSPORTS.newInstance(plainHttp, plainHttp, logger, secure, insecure, false);
    } catch (InstantiationException | IllegalAccessException e) {
      throw new IllegalStateException("cannot create jib-core FailoverHttpClient", e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("cannot create jib-core FailoverHttpClient", e.getCause());
    }
  }

  private static Constructor<FailoverHttpClient> findConstructor() {
    try {
      Constructor<FailoverHttpClient> constructor =
          FailoverHttpClient.class.getDeclaredConstructor(
              boolean.class, boolean.class, Consumer.class, Supplier.class, Supplier.class, boolean.class);
      constructor.setAccessible(true);
      return constructor;
    } catch (NoSuchMethodException | RuntimeException e) {
      throw new IllegalStateException(
          "jib-core changed: FailoverHttpClient(boolean enableHttpAndInsecureFailover, boolean "
              + "sendAuthorizationOverHttp, Consumer<LogEvent>, Supplier<HttpTransport> secure, "
              + "Supplier<HttpTransport> insecure, boolean retryOnIoException) is gone; see docs/registry.md",
          e);
    }
  }
}
