package dev.imagegate.registry.pullsecrets;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.imagegate.registry.PullContext;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Pull secrets read through the Kubernetes API, as the kubelet uses them: the pod's
 * {@code imagePullSecrets}, or, when it lists none, those of its service account (what the
 * ServiceAccount admission plugin copies into a pod; a workload's pod template does not have them
 * yet). Secrets of type {@code kubernetes.io/dockerconfigjson} and the legacy
 * {@code kubernetes.io/dockercfg} count; other types and missing secrets are skipped, as the kubelet
 * skips them.
 *
 * <p>Three informers (secrets of each of the two types, by field selector, and service accounts)
 * keep an in-memory copy of just what is needed: no API request per admission, and a changed or
 * rotated secret is used as soon as its watch event arrives. Needs RBAC {@code get/list/watch} on
 * {@code secrets} and {@code serviceaccounts} cluster-wide. Secrets are parsed once per
 * {@code resourceVersion}; their content is never logged.
 */
public final class KubernetesPullSecrets implements PullSecretSource {
  static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
  static final String DOCKERCFG = "kubernetes.io/dockercfg";
  static final String DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson";
  static final String DOCKERCFG_KEY = ".dockercfg";

  private static final Logger LOG = Logger.getLogger(KubernetesPullSecrets.class);

  private final SharedIndexInformer<Secret> dockerConfigJson;
  private final SharedIndexInformer<Secret> dockercfg;
  private final SharedIndexInformer<ServiceAccount> serviceAccounts;
  private final CompletableFuture<Void> ready;
  /** Parsed secrets by namespace/name@resourceVersion. */
  private final Cache<String, Map<String, DockerKeyring.Credential>> parsed = Caffeine.newBuilder().maximumSize(10_000).build();
  private final Cache<String, Boolean> reported = Caffeine.newBuilder().maximumSize(10_000).build();

  /** Starts the informers; they sync in the background ({@link #ready()}). */
  public KubernetesPullSecrets(KubernetesClient client) {
    this.dockerConfigJson = secrets(client, DOCKER_CONFIG_JSON, DOCKER_CONFIG_JSON_KEY);
    this.dockercfg = secrets(client, DOCKERCFG, DOCKERCFG_KEY);
    this.serviceAccounts = client.serviceAccounts().inAnyNamespace().runnableInformer(0)
        .itemStore(new SlimStore<>(KubernetesPullSecrets::slim));
    this.ready = CompletableFuture.allOf(
        dockerConfigJson.start().toCompletableFuture(),
        dockercfg.start().toCompletableFuture(),
        serviceAccounts.start().toCompletableFuture());
    ready.whenComplete((ok, error) -> {
      if (error == null) {
        LOG.infof("pull secrets: informers synced (%d dockerconfigjson, %d dockercfg secrets, %d service accounts)",
            dockerConfigJson.getIndexer().list().size(), dockercfg.getIndexer().list().size(), serviceAccounts.getIndexer().list().size());
      } else {
        LOG.warnf("pull secrets: informers failed to start (%s); pods' pull secrets are not used until they do",
            error.getClass().getSimpleName());
      }
    });
  }

  private static SharedIndexInformer<Secret> secrets(KubernetesClient client, String type, String key) {
    return client.secrets().inAnyNamespace().withField("type", type).runnableInformer(0)
        .itemStore(new SlimStore<>(secret -> slim(secret, key)));
  }

  /** Keeps what is needed of a secret: its identity, type and the one docker config key. */
  private static Secret slim(Secret secret, String key) {
    String value = secret.getData() == null ? null : secret.getData().get(key);
    return new SecretBuilder()
        .withMetadata(new ObjectMetaBuilder()
            .withName(secret.getMetadata().getName())
            .withNamespace(secret.getMetadata().getNamespace())
            .withResourceVersion(secret.getMetadata().getResourceVersion())
            .withUid(secret.getMetadata().getUid())
            .build())
        .withType(secret.getType())
        .withData(value == null ? Map.of() : Map.of(key, value))
        .build();
  }

  private static ServiceAccount slim(ServiceAccount account) {
    return new ServiceAccountBuilder()
        .withMetadata(new ObjectMetaBuilder()
            .withName(account.getMetadata().getName())
            .withNamespace(account.getMetadata().getNamespace())
            .withResourceVersion(account.getMetadata().getResourceVersion())
            .build())
        .withImagePullSecrets(account.getImagePullSecrets())
        .build();
  }

  /** An informer store that keeps a slimmed copy of each object (no other keys of a secret, no managed fields). */
  private static final class SlimStore<T extends HasMetadata> extends BasicItemStore<T> {
    private final UnaryOperator<T> slim;

    SlimStore(UnaryOperator<T> slim) {
      super(io.fabric8.kubernetes.client.informers.cache.Cache::metaNamespaceKeyFunc);
      this.slim = slim;
    }

    @Override
    public T put(String key, T object) {
      return super.put(key, slim.apply(object));
    }
  }

  @Override
  public CompletableFuture<Void> ready() {
    return ready;
  }

  @Override
  public List<DockerKeyring.Credential> lookup(PullContext pod, String image) {
    if (pod == null || pod.namespace() == null) {
      return List.of();
    }
    DockerKeyring keyring = new DockerKeyring();
    for (String name : secretNames(pod)) {
      Map<String, DockerKeyring.Credential> config = config(pod.namespace(), name);
      if (config != null) {
        keyring.add(config);
      }
    }
    return keyring.lookup(image);
  }

  /** The pod's own pull secrets, else its service account's. */
  private List<String> secretNames(PullContext pod) {
    if (!pod.pullSecretNames().isEmpty()) {
      return pod.pullSecretNames();
    }
    ServiceAccount account = serviceAccounts.getIndexer().getByKey(pod.namespace() + "/" + pod.effectiveServiceAccount());
    if (account == null || account.getImagePullSecrets() == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (LocalObjectReference reference : account.getImagePullSecrets()) {
      if (reference != null && reference.getName() != null && !reference.getName().isBlank()) {
        names.add(reference.getName());
      }
    }
    return names;
  }

  /** The docker config of a pull secret, or null when it is missing, of another type or unreadable. */
  private Map<String, DockerKeyring.Credential> config(String namespace, String name) {
    String key = namespace + "/" + name;
    Secret secret = typed(dockerConfigJson.getIndexer().getByKey(key), DOCKER_CONFIG_JSON);
    if (secret == null) {
      secret = typed(dockercfg.getIndexer().getByKey(key), DOCKERCFG);
    }
    if (secret == null) {
      LOG.debugf("pull secret %s: not found (or not of type %s or %s)", key, DOCKER_CONFIG_JSON, DOCKERCFG);
      return null;
    }
    String version = key + "@" + Objects.requireNonNullElse(secret.getMetadata().getResourceVersion(), "");
    Map<String, DockerKeyring.Credential> cached = parsed.getIfPresent(version);
    if (cached != null) {
      return cached;
    }
    boolean json = DOCKER_CONFIG_JSON.equals(secret.getType());
    String encoded = secret.getData() == null ? null : secret.getData().get(json ? DOCKER_CONFIG_JSON_KEY : DOCKERCFG_KEY);
    if (encoded == null || encoded.isEmpty()) {
      report(version, "pull secret " + key + ": no " + (json ? DOCKER_CONFIG_JSON_KEY : DOCKERCFG_KEY) + " key");
      return null;
    }
    try {
      byte[] bytes = Base64.getDecoder().decode(encoded);
      String source = "secret " + key;
      Map<String, DockerKeyring.Credential> config =
          json ? DockerKeyring.parseDockerConfigJson(bytes, source) : DockerKeyring.parseDockercfg(bytes, source);
      parsed.put(version, config);
      return config;
    } catch (IllegalArgumentException e) {
      report(version, "pull secret " + key + ": its data is not base64");
    } catch (DockerKeyring.InvalidDockerConfigException e) {
      report(version, e.getMessage());
    }
    return null;
  }

  private static Secret typed(Secret secret, String type) {
    return secret != null && type.equals(secret.getType()) ? secret : null;
  }

  private void report(String version, String message) {
    if (reported.asMap().putIfAbsent(version, Boolean.TRUE) == null) {
      LOG.warnf("%s; the secret is skipped", message);
    }
  }

  @Override
  public void close() {
    dockerConfigJson.stop();
    dockercfg.stop();
    serviceAccounts.stop();
  }
}
