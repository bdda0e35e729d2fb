package dev.imagegate.registry;

import com.google.cloud.tools.jib.api.Credential;
import dev.imagegate.image.ImageReference;
import dev.imagegate.registry.pullsecrets.DockerKeyring;
import dev.imagegate.registry.pullsecrets.PullSecretSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The credentials to try for one image on behalf of one pod, in the kubelet's order: those of the
 * pod's pull secrets that match the image (most specific key first), then the node-wide ones
 * ({@code registries.dockerConfig}); anonymous only when none matches. A fetch tries them in turn
 * until one is not refused.
 */
final class CredentialChain {
  private final RegistryCredentials dockerConfig;
  private final PullSecretSource pullSecrets;

  /** @param pullSecrets the pods' pull secrets, or null when {@code registries.usePullSecrets} is off */
  CredentialChain(RegistryCredentials dockerConfig, PullSecretSource pullSecrets) {
    this.dockerConfig = dockerConfig;
    this.pullSecrets = pullSecrets;
  }

  boolean usesPullSecrets() {
    return pullSecrets != null;
  }

  PullSecretSource pullSecrets() {
    return pullSecrets;
  }

  /** Never empty: {@link Principal#ANONYMOUS} alone when there is no credential. */
  List<Principal> candidates(RegistryEndpoint endpoint, ImageReference ref, PullContext pod) throws ImageFetchException {
    Map<String, Principal> candidates = new LinkedHashMap<>();
    if (pullSecrets != null && pod != null && pod.namespace() != null) {
      for (DockerKeyring.Credential credential : pullSecrets.lookup(pod, keyringImage(endpoint, ref))) {
        Principal principal = Principal.of(credential.username(), credential.password(), credential.source());
        candidates.putIfAbsent(principal.id(), principal);
      }
    }
    Optional<Credential> node = dockerConfig.forHost(endpoint.host());
    if (node.isPresent()) {
      Principal principal = Principal.of(node.get().getUsername(), node.get().getPassword(), "dockerConfig");
      candidates.putIfAbsent(principal.id(), principal);
    }
    candidates.remove(Principal.ANONYMOUS.id());
    return candidates.isEmpty() ? List.of(Principal.ANONYMOUS) : List.copyOf(new ArrayList<>(candidates.values()));
  }

  /**
   * What pull-secret keys are matched against: {@code registry/repository} as the kubelet sees the
   * image ({@code docker.io/library/nginx}); for a mirror, the mirror's own host (credentials for
   * Docker Hub are not sent to a mirror).
   */
  static String keyringImage(RegistryEndpoint endpoint, ImageReference ref) {
    String host = endpoint.mirror() ? endpoint.host() : RegistryEndpoints.normalize(ref.registry());
    return host + "/" + ref.repository();
  }
}
