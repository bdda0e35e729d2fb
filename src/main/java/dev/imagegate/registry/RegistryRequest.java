package dev.imagegate.registry;

import java.net.URI;

/**
 * One request to a registry or its token service, as every layer of the client sees it.
 *
 * @param method {@code GET}, {@code HEAD} or {@code POST}
 * @param accept the {@code Accept} header, or null
 * @param authorization the {@code Authorization} header, or null (set by {@link Authenticating})
 * @param form an {@code application/x-www-form-urlencoded} body, or null for none
 * @param maxBytes the most body bytes accepted in the answer
 */
record RegistryRequest(String method, URI uri, String accept, String authorization, String form, int maxBytes) {

  static RegistryRequest get(URI uri, String accept, int maxBytes) {
    return new RegistryRequest("GET", uri, accept, null, null, maxBytes);
  }

  RegistryRequest withUri(URI other) {
    return new RegistryRequest(method, other, accept, authorization, form, maxBytes);
  }

  RegistryRequest withAuthorization(String header) {
    return new RegistryRequest(method, uri, accept, header, form, maxBytes);
  }

  /** Never prints the {@code Authorization} header or the form (which may carry a refresh token). */
  @Override
  public String toString() {
    return method + " " + uri;
  }
}
