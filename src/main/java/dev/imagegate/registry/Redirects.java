package dev.imagegate.registry;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;

/**
 * Follows redirects (blobs served from a CDN) for GET and HEAD, at most {@value #MAX_REDIRECTS}
 * hops, never from HTTPS to plain HTTP. The {@code Authorization} header is dropped when the host
 * changes: a CDN's signed URL carries its own authorization, and credentials go only to the registry.
 */
final class Redirects implements Transport {
  static final int MAX_REDIRECTS = 5;

  private final Transport next;

  Redirects(Transport next) {
    this.next = next;
  }

  @Override
  public RegistryHttp.Response send(FetchContext ctx, RegistryRequest request) throws IOException, ImageFetchException {
    RegistryRequest current = request;
    int redirects = 0;
    while (true) {
      RegistryHttp.Response response = next.send(ctx, current);
      if (!isRedirect(response.status()) || response.header("Location") == null) {
        return response;
      }
      if (++redirects > MAX_REDIRECTS) {
        throw new ImageFetchException(ErrorReason.INVALID, "too many redirects (more than " + MAX_REDIRECTS + ")");
      }
      URI target = target(current.uri(), response.header("Location"));
      if (!RegistryHttp.authority(target).equals(RegistryHttp.authority(current.uri()))) {
        current = current.withAuthorization(null);
      }
      current = current.withUri(target);
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static URI target(URI from, String location) throws ImageFetchException {
    URI next;
    try {
      next = from.resolve(location.trim());
    } catch (IllegalArgumentException e) {
      throw new ImageFetchException(ErrorReason.INVALID, "the registry redirected to a malformed URL");
    }
    String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new ImageFetchException(ErrorReason.INVALID, "the registry redirected to an unsupported URL scheme");
    }
    if (scheme.equals("http") && "https".equalsIgnoreCase(from.getScheme())) {
      throw new ImageFetchException(ErrorReason.TLS, "refused a redirect from HTTPS to plain HTTP");
    }
    return next;
  }
}
