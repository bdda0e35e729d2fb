package dev.imagegate.registry;

import java.net.URI;

/**
 * What every request of one image fetch shares: where it goes, as whom, until when, and the
 * retries left.
 *
 * @param registry the image's registry as written ({@code docker.io}), for metrics
 * @param endpoint the host requests go to
 * @param repository the repository ({@code library/nginx})
 * @param principal who the requests are made as
 */
record FetchContext(String registry, RegistryEndpoint endpoint, String repository, Principal principal, Deadline deadline, RetryBudget retries) {

  /** {@code https://HOST} or {@code http://HOST} for a plain-HTTP endpoint. */
  URI base() {
    return URI.create((endpoint.plainHttp() ? "http://" : "https://") + endpoint.host());
  }

  /** This fetch as another principal (the next candidate credential), with the same deadline and retries. */
  FetchContext as(Principal other) {
    return new FetchContext(registry, endpoint, repository, other, deadline, retries);
  }

  /** The token scope for pulling this repository. */
  String pullScope() {
    return "repository:" + repository + ":pull";
  }
}
