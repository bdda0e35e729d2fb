package dev.imagegate.registry;

import java.io.IOException;

/**
 * One layer of the registry client. The layers wrap each other, each with one concern, outermost
 * first: {@link Authenticating} → {@link Redirects} → {@link Retrying} → {@link Permits} →
 * {@link RegistryHttp} (see docs/registry.md).
 */
@FunctionalInterface
interface Transport {
  /**
   * Sends the request as part of the fetch {@code ctx}; answers with the response, whatever its status.
   *
   * @throws ImageFetchException when a layer refuses to go on (a realm or redirect it must not follow, …)
   */
  RegistryHttp.Response send(FetchContext ctx, RegistryRequest request) throws IOException, ImageFetchException;
}
