package dev.imagegate.registry;

import com.google.api.client.http.HttpResponseException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.registry.RegistryClient;
import java.io.IOException;

/**
 * A {@link RegistryClient} for one fetch plus the authentication dance: anonymous first (or the
 * challenge the host gave last time), and on a 401 the challenge it names (bearer token or basic
 * credentials), then the call once more.
 */
final class RegistrySession {
  /** A registry call through jib-core. */
  interface Call<T> {
    T run() throws IOException, RegistryException;
  }

  private static final int MAX_AUTHENTICATIONS = 3;

  private final RegistryClient client;
  private final String host;
  private final AuthChallenges challenges;
  private String applied;
  private int authentications;

  RegistrySession(RegistryClient client, String host, AuthChallenges challenges) throws RegistryException {
    this.client = client;
    this.host = host;
    this.challenges = challenges;
    String known = challenges.get(host);
    if (known != null) {
      authenticate(known);
    }
  }

  RegistryClient client() {
    return client;
  }

  <T> T call(Call<T> call) throws IOException, RegistryException {
    while (true) {
      try {
        return call.run();
      } catch (RegistryUnauthorizedException e) {
        retryWith(e.getHttpResponseException(), e);
      } catch (IOException e) {
        // pullBlob wraps registry errors in an IOException
        if (e.getCause() instanceof RegistryUnauthorizedException unauthorized) {
          retryWith(unauthorized.getHttpResponseException(), unauthorized);
        } else {
          throw e;
        }
      }
    }
  }

  private void retryWith(HttpResponseException response, RegistryUnauthorizedException failure) throws RegistryException {
    String challenge = response == null ? null : response.getHeaders().getAuthenticate();
    if (response == null
        || response.getStatusCode() != 401
        || challenge == null
        || challenge.equals(applied)
        || authentications >= MAX_AUTHENTICATIONS) {
      throw failure;
    }
    challenges.remember(host, challenge);
    authenticate(challenge);
  }

  private void authenticate(String challenge) throws RegistryException {
    applied = challenge;
    authentications++;
    client.authPullByWwwAuthenticate(challenge);
  }
}
