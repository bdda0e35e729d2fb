package dev.imagegate.image;

import java.util.List;

/**
 * The few fields of an image config that the rules read, for one platform.
 *
 * @param platform {@code os/architecture[/variant]}, e.g. {@code linux/amd64}
 * @param configDigest digest of the config blob these facts were read from
 * @param user the config's {@code User} as written ({@code ""} when absent)
 * @param healthcheckTest the config's {@code Healthcheck.Test}, or {@code null} when the image declares none
 * @param env the config's {@code Env} entries, {@code KEY=VALUE} as written (at most
 *     {@link ImageConfigParser#MAX_ENV_ENTRIES}, the first ones)
 * @param history the {@code created_by} line of each history entry, in order (at most
 *     {@link ImageConfigParser#MAX_HISTORY_ENTRIES}, the first ones)
 * @param envOmitted how many {@code Env} entries of the config were left out of {@code env} (0: none)
 * @param historyOmitted how many history entries of the config were left out of {@code history} (0: none)
 * @param osVersion the config's {@code os.version} (Windows images: the build they need, e.g. {@code 10.0.20348.2227}), or null
 * @param exposedPorts the config's {@code ExposedPorts} keys as written ({@code 80/tcp}), in order
 * @param compressedSize the sum of the layer sizes of the manifest these facts were read through (what a
 *     pull downloads for this platform), or {@link #UNKNOWN} when the facts did not come from a manifest
 * @param baseSteps how many of the first history entries belong to a base image ({@link dev.imagegate.image.history.BaseImageSteps}),
 *     or {@link #UNKNOWN} when the history does not tell
 */
public record ImageFacts(
    String platform, String configDigest, String user, List<String> healthcheckTest, List<String> env, List<String> history,
    int envOmitted, int historyOmitted, String osVersion, List<String> exposedPorts, long compressedSize, int baseSteps) {
  /** {@code compressedSize} or {@code baseSteps} not known. */
  public static final int UNKNOWN = -1;

  public ImageFacts {
    user = user == null ? "" : user;
    healthcheckTest = healthcheckTest == null ? null : List.copyOf(healthcheckTest);
    env = env == null ? List.of() : List.copyOf(env);
    history = history == null ? List.of() : List.copyOf(history);
    envOmitted = Math.max(0, envOmitted);
    historyOmitted = Math.max(0, historyOmitted);
    exposedPorts = exposedPorts == null ? List.of() : List.copyOf(exposedPorts);
    compressedSize = compressedSize < 0 ? UNKNOWN : compressedSize;
    baseSteps = baseSteps < 0 ? UNKNOWN : baseSteps;
  }

  /** Facts without ports, size or base-image boundary. */
  public ImageFacts(
      String platform, String configDigest, String user, List<String> healthcheckTest, List<String> env, List<String> history,
      int envOmitted, int historyOmitted, String osVersion) {
    this(platform, configDigest, user, healthcheckTest, env, history, envOmitted, historyOmitted, osVersion, null, UNKNOWN, UNKNOWN);
  }

  /** These facts as read through a manifest whose layers add up to {@code bytes}. */
  public ImageFacts withCompressedSize(long bytes) {
    return new ImageFacts(platform, configDigest, user, healthcheckTest, env, history, envOmitted, historyOmitted, osVersion,
        exposedPorts, bytes, baseSteps);
  }

  /** Facts without an {@code os.version}. */
  public ImageFacts(
      String platform, String configDigest, String user, List<String> healthcheckTest, List<String> env, List<String> history,
      int envOmitted, int historyOmitted) {
    this(platform, configDigest, user, healthcheckTest, env, history, envOmitted, historyOmitted, null);
  }

  /** Facts with nothing left out. */
  public ImageFacts(
      String platform, String configDigest, String user, List<String> healthcheckTest, List<String> env, List<String> history) {
    this(platform, configDigest, user, healthcheckTest, env, history, 0, 0, null);
  }

  /** The platform's os ({@code linux}, {@code windows}), lower-cased; {@code unknown} when the config names none. */
  public String os() {
    return Platform.osOf(platform);
  }

  /** The platform's architecture ({@code amd64}, {@code arm64}), lower-cased; {@code unknown} when the config names none. */
  public String architecture() {
    return Platform.architectureOf(platform);
  }

  public boolean isWindows() {
    return "windows".equals(os());
  }

  /** Whether some env entries or history lines of the config were not kept (rules judged the first ones only). */
  public boolean truncated() {
    return envOmitted > 0 || historyOmitted > 0;
  }

  /** Env values and history lines may hold secrets: print their counts only. */
  @Override
  public String toString() {
    return "ImageFacts[platform=" + platform + (osVersion == null ? "" : ", osVersion=" + osVersion) + ", configDigest=" + configDigest + ", user=" + user
        + ", healthcheck=" + (healthcheckTest != null) + ", env=" + env.size() + " entries"
        + (envOmitted > 0 ? " (+" + envOmitted + " omitted)" : "") + ", history=" + history.size() + " entries"
        + (historyOmitted > 0 ? " (+" + historyOmitted + " omitted)" : "") + ", ports=" + exposedPorts
        + (compressedSize == UNKNOWN ? "" : ", compressedSize=" + compressedSize) + "]";
  }
}
