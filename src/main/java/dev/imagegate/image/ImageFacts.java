package dev.imagegate.image;

import java.util.List;

/**
 * The few fields of an image config that the rules read, for one platform.
 *
 * @param platform {@code os/architecture[/variant]}, e.g. {@code linux/amd64}
 * @param configDigest digest of the config blob these facts were read from
 * @param user the config's {@code User} as written ({@code ""} when absent)
 * @param healthcheckTest the config's {@code Healthcheck.Test}, or {@code null} when the image declares none
 * @param env the config's {@code Env} entries, {@code KEY=VALUE} as written
 * @param history the {@code created_by} line of each history entry, in order
 */
public record ImageFacts(
    String platform, String configDigest, String user, List<String> healthcheckTest, List<String> env, List<String> history) {

  public ImageFacts {
    user = user == null ? "" : user;
    healthcheckTest = healthcheckTest == null ? null : List.copyOf(healthcheckTest);
    env = env == null ? List.of() : List.copyOf(env);
    history = history == null ? List.of() : List.copyOf(history);
  }

  /** Env values and history lines may hold secrets: print their counts only. */
  @Override
  public String toString() {
    return "ImageFacts[platform=" + platform + ", configDigest=" + configDigest + ", user=" + user
        + ", healthcheck=" + (healthcheckTest != null) + ", env=" + env.size() + " entries, history=" + history.size() + " entries]";
  }
}
