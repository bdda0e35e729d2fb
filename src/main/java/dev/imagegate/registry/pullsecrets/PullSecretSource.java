package dev.imagegate.registry.pullsecrets;

import dev.imagegate.registry.PullContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where the credentials of a pod's {@code imagePullSecrets} come from. */
public interface PullSecretSource extends AutoCloseable {

  /**
   * The credentials the kubelet would try for {@code image} ({@code host[:port]/repository}) on
   * behalf of this pod, best match first; empty when none matches. Reads in-memory state only:
   * never blocks on the network.
   */
  List<DockerKeyring.Credential> lookup(PullContext pod, String image);

  /** Completes once the source knows the cluster's secrets (its caches have synced). */
  CompletableFuture<Void> ready();

  @Override
  void close();
}
