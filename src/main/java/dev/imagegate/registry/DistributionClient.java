package dev.imagegate.registry;

import dev.imagegate.image.Digest;
import dev.imagegate.image.Qualifier;
import java.io.IOException;

/**
 * The registry HTTP API endpoints imagegate needs (OCI distribution spec): {@code GET}/{@code HEAD}
 * of a manifest, {@code GET} of a blob. Authentication, retries, redirects and the per-registry
 * bound are the layers below ({@link #over}).
 */
final class DistributionClient {
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String MANIFEST_ACCEPT = String.join(", ", OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

  private final Transport transport;

  DistributionClient(Transport transport) {
    this.transport = transport;
  }

  /**
   * The client over its layers: authentication outermost (a 401 is answered once per request,
   * after redirects and retries), then redirects (each hop retried on its own), retries, the
   * per-registry bound (a request waiting to retry holds no slot), and the wire.
   */
  static DistributionClient over(RegistryHttp http, int maxPerRegistry, RegistryMetrics metrics) {
    Transport retried = new Retrying(new Permits(http, maxPerRegistry), metrics);
    return new DistributionClient(new Authenticating(new Redirects(retried), retried, metrics));
  }

  /** {@code GET /v2/<repo>/manifests/<reference>}: the manifest bytes (at most 4 MiB). */
  RegistryHttp.Response getManifest(FetchContext ctx, Qualifier reference) throws IOException, ImageFetchException {
    return send(ctx, "GET", "/manifests/" + reference, MANIFEST_ACCEPT, RegistryHttp.MAX_MANIFEST_BYTES);
  }

  /**
   * {@code HEAD /v2/<repo>/manifests/<reference>}: the manifest's digest from
   * {@code Docker-Content-Digest} without its body (and without counting as a Docker Hub pull).
   */
  RegistryHttp.Response headManifest(FetchContext ctx, Qualifier reference) throws IOException, ImageFetchException {
    // No body comes with a HEAD, but its Content-Length is the manifest's: the limit must allow it.
    return send(ctx, "HEAD", "/manifests/" + reference, MANIFEST_ACCEPT, RegistryHttp.MAX_MANIFEST_BYTES);
  }

  /** {@code GET /v2/<repo>/blobs/<digest>} of an image config (at most {@link RegistryHttp#MAX_CONFIG_BYTES}). */
  RegistryHttp.Response getBlob(FetchContext ctx, Digest digest) throws IOException, ImageFetchException {
    return send(ctx, "GET", "/blobs/" + digest, "*/*", RegistryHttp.MAX_CONFIG_BYTES);
  }

  private RegistryHttp.Response send(FetchContext ctx, String method, String path, String accept, int maxBytes)
      throws IOException, ImageFetchException {
    return transport.send(ctx, new RegistryRequest(method, ctx.base().resolve("/v2/" + ctx.repository() + path), accept, null, null, maxBytes));
  }
}
