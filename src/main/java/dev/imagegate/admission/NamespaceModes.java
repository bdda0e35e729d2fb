package dev.imagegate.admission;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.config.Mode;
import dev.imagegate.text.ExternalText;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Per-namespace modes: the label {@code imagegate.dev/mode: enforce|warn|audit|off} on a namespace,
 * kept up to date by an informer on labelled namespaces (never read per request).
 *
 * <p>Never blocks start-up: until the informer has listed the namespaces, or while the API cannot
 * be reached, every namespace has no mode of its own and the global mode applies (said once in
 * the log). A label with another value is ignored, with a warning, rather than guessed at.
 */
@ApplicationScoped
public class NamespaceModes implements AutoCloseable {
  public static final String LABEL = "imagegate.dev/mode";

  private static final Logger LOG = Logger.getLogger(NamespaceModes.class);

  private final boolean enabled;
  private final Supplier<KubernetesClient> client;
  private final Map<String, Mode> modes = new ConcurrentHashMap<>();
  private final Set<String> warnedLabels = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean unreachableSaid = new AtomicBoolean();
  private volatile SharedIndexInformer<Namespace> informer;
  private volatile boolean synced;
  private volatile long startedNanos;

  @Inject
  public NamespaceModes(ImagegateConfig config, KubernetesAccess access) {
    this(KubernetesAccess.wanted(config.namespaceModes().enabled()), access::client);
  }

  /** Without CDI: {@code enabled} false reads nothing and gives every namespace no mode. */
  public NamespaceModes(boolean enabled, Supplier<KubernetesClient> client) {
    this.enabled = enabled;
    this.client = client;
  }

  void onStart(@Observes StartupEvent event) {
    start();
  }

  void onStop(@Observes ShutdownEvent event) {
    close();
  }

  /** Starts the informer (once); returns at once, whether or not the API answers. */
  public synchronized void start() {
    if (!enabled || informer != null) {
      return;
    }
    startedNanos = System.nanoTime();
    try {
      SharedIndexInformer<Namespace> namespaces = client.get().namespaces().withLabel(LABEL).runnableInformer(0);
      namespaces.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(Namespace namespace) {
          update(namespace);
        }

        @Override
        public void onUpdate(Namespace old, Namespace namespace) {
          update(namespace);
        }

        @Override
        public void onDelete(Namespace namespace, boolean finalStateUnknown) {
          modes.remove(namespace.getMetadata().getName());
        }
      });
      namespaces.exceptionHandler((started, error) -> {
        unreachable(error);
        return true; // keep trying, with the informer's back-off
      });
      informer = namespaces;
      namespaces.start().whenComplete((ignored, error) -> {
        if (error != null) {
          unreachable(error);
          return;
        }
        synced = true;
        unreachableSaid.set(false);
        LOG.infof("namespace modes: watching the label %s (%d namespaces labelled)", LABEL, modes.size());
      });
    } catch (RuntimeException e) {
      unreachable(e);
    }
  }

  /** The namespace's own mode, or null: none, unknown, or namespace modes switched off. */
  public Mode modeOf(String namespace) {
    return namespace == null ? null : modes.get(namespace);
  }

  /** Namespace → mode, for every labelled namespace, sorted by name. */
  public Map<String, Mode> snapshot() {
    return new TreeMap<>(modes);
  }

  public boolean enabled() {
    return enabled;
  }

  /** Whether namespaces' modes are known: switched off (none to know), or listed at least once. */
  public boolean ready() {
    return !enabled || synced;
  }

  /** Whether the labels have been listed at least once. */
  public boolean synced() {
    return synced;
  }

  /** Nanoseconds since {@link #start}, or -1 before. */
  long sinceStart() {
    return startedNanos == 0 ? -1 : System.nanoTime() - startedNanos;
  }

  /** Parses a label value; null for a value that is not a mode. */
  static Mode parse(String value) {
    if (value == null) {
      return null;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "enforce" -> Mode.ENFORCE;
      case "warn" -> Mode.WARN;
      case "audit" -> Mode.AUDIT;
      case "off" -> Mode.OFF;
      default -> null;
    };
  }

  private void update(Namespace namespace) {
    String name = namespace.getMetadata().getName();
    Map<String, String> labels = namespace.getMetadata().getLabels();
    String value = labels == null ? null : labels.get(LABEL);
    Mode mode = parse(value);
    if (mode == null) {
      modes.remove(name);
      if (value != null && warnedLabels.add(name + "=" + value)) {
        LOG.warnf("namespace %s: label %s=\"%s\" is not enforce, warn, audit or off; ignored (the global mode applies)",
            name, LABEL, ExternalText.forApiserver(value, 63));
      }
      return;
    }
    Mode previous = modes.put(name, mode);
    if (previous != mode) {
      LOG.debugf("namespace %s: mode %s", name, mode.id());
    }
  }

  private void unreachable(Throwable error) {
    if (unreachableSaid.compareAndSet(false, true)) {
      LOG.warnf("namespace modes: cannot read namespaces from the Kubernetes API (%s); the global mode applies in every "
          + "namespace until it can (needs RBAC list/watch on namespaces)", KubernetesAccess.describe(error));
    }
  }

  @Override
  public synchronized void close() {
    if (informer != null) {
      informer.stop();
      informer = null;
    }
  }
}
