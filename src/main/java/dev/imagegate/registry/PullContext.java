package dev.imagegate.registry;

import java.util.List;

/**
 * Who wants an image: what the kubelet would use to pull it. With {@code registries.usePullSecrets}
 * the pod's {@code imagePullSecrets} (or, when it lists none, those of its service account) in its
 * namespace give the credentials; without it only the namespace-independent ones
 * ({@code registries.dockerConfig}) are used and this context changes nothing.
 *
 * @param namespace the pod's namespace, or null (no pull secrets then)
 * @param serviceAccount {@code spec.serviceAccountName}, or null for {@code default}
 * @param pullSecretNames {@code spec.imagePullSecrets[*].name}, in order
 */
public record PullContext(String namespace, String serviceAccount, List<String> pullSecretNames) {
  /** No pod: only the namespace-independent credentials. */
  public static final PullContext NONE = new PullContext(null, null, List.of());

  public PullContext {
    pullSecretNames = pullSecretNames == null ? List.of() : pullSecretNames.stream().filter(n -> n != null && !n.isBlank()).toList();
    serviceAccount = serviceAccount == null || serviceAccount.isBlank() ? null : serviceAccount;
  }

  /** The service account the pod runs as: {@code default} when none is named. */
  public String effectiveServiceAccount() {
    return serviceAccount == null ? "default" : serviceAccount;
  }
}
