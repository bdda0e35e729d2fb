package dev.imagegate.registry;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who a registry request is made as: anonymous, or one credential. Caches that depend on access
 * (tags, tokens, access grants) are keyed by {@link #id()}, a keyed hash of the credential that
 * cannot be turned back into it (the key is random per process); it never leaves the process.
 *
 * @param id {@code anonymous}, or a fingerprint of the user name and secret
 * @param username the user name, or null when anonymous
 * @param secret the password or identity token, or null when anonymous
 * @param source where the credential came from ({@code secret apps/regcred}, {@code dockerConfig}), for debug logs
 */
record Principal(String id, String username, String secret, String source) {
  static final Principal ANONYMOUS = new Principal("anonymous", null, null, "anonymous");
  /** A docker config.json entry with this user name holds an OAuth2 refresh token (an identity token). */
  static final String IDENTITY_TOKEN_USER = "<token>";

  private static final byte[] KEY = randomKey();

  static Principal of(String username, String secret, String source) {
    if ((username == null || username.isEmpty()) && (secret == null || secret.isEmpty())) {
      return ANONYMOUS;
    }
    String user = username == null ? "" : username;
    String pass = secret == null ? "" : secret;
    return new Principal("cred:" + fingerprint(user + '\u0000' + pass), user, pass, source);
  }

  boolean anonymous() {
    return username == null;
  }

  boolean identityToken() {
    return IDENTITY_TOKEN_USER.equals(username);
  }

  /** {@code Basic base64(user:secret)}. */
  String basicAuthorization() {
    return "Basic " + Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  /** Names the source only: never the user or the secret. */
  @Override
  public String toString() {
    return "Principal[" + source + "]";
  }

  private static String fingerprint(String material) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
      byte[] digest = mac.doFinal(material.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }
}
