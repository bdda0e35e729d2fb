package dev.imagegate.admission;

import dev.imagegate.text.ExternalText;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * The Kubernetes API, for the features that need it (namespace modes, events, the audit). The
 * client is created only when one of them is switched on: admissions themselves never need it,
 * and imagegate runs without a cluster (locally, in tests).
 */
@ApplicationScoped
public class KubernetesAccess {
  /** Mounted into every pod whose service account token is automounted. */
  static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  private final Instance<KubernetesClient> clients;
  private Vertx backgroundVertx;
  private KubernetesClient background;

  public KubernetesAccess(Instance<KubernetesClient> clients) {
    this.clients = clients;
  }

  /** Whether imagegate runs in a pod that may talk to its cluster's API. */
  public static boolean inCluster() {
    return System.getenv("KUBERNETES_SERVICE_HOST") != null && Files.isReadable(SERVICE_ACCOUNT_TOKEN);
  }

  /** A feature's {@code enabled} setting: as set, or, when unset, on inside a cluster. */
  public static boolean wanted(Boolean enabled) {
    return enabled != null ? enabled : inCluster();
  }

  /** The client (created on first use, from the in-cluster service account or a kubeconfig). */
  public KubernetesClient client() {
    return clients.get();
  }

  /**
   * A client for the bulk background work (the audit's informers and leader election, cache
   * pre-warming), configured as {@link #client()}, whose responses are read and unmarshalled on the
   * one event-loop thread of a Vert.x instance of its own. Quarkus' client shares the event loops
   * that serve {@code /validate}: a page of 500 pods unmarshalled there, or a trimmed store filled
   * from it, would hold up the admissions queued on that loop.
   */
  public synchronized KubernetesClient backgroundClient() {
    if (background == null) {
      KubernetesClient main = client();
      backgroundVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1)
          .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
      background = new KubernetesClientBuilder().withConfig(main.getConfiguration())
          .withHttpClientFactory(new VertxHttpClientFactory(backgroundVertx)).build();
    }
    return background;
  }

  @PreDestroy
  synchronized void close() {
    if (background != null) {
      background.close();
      backgroundVertx.close();
      background = null;
    }
  }

  /** imagegate's own namespace: {@code POD_NAMESPACE}, else the client's namespace, else {@code default}. */
  public static String podNamespace(KubernetesClient client) {
    String env = System.getenv("POD_NAMESPACE");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    String configured = client == null ? null : client.getNamespace();
    return configured == null || configured.isBlank() ? "default" : configured;
  }

  /** This replica's name: {@code POD_NAME}, else the host name with a random suffix (unique among local runs). */
  public static String podName() {
    String env = System.getenv("POD_NAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException | SecurityException e) {
      host = "imagegate";
    }
    String name = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * A one-line reason for a failed API call: fabric8's message (which names the operation) and,
   * when different, the root cause (e.g. {@code UnknownHostException: kubernetes.default.svc}).
   */
  public static String describe(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    if (root != error) {
      String cause = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
      if (!message.contains(cause)) {
        message = message + " (" + cause + ")";
      }
    }
    message = message.replaceAll("\\s+", " ");
    return ExternalText.forApiserver(message, 300);
  }
}
