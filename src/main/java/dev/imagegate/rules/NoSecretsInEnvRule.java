package dev.imagegate.rules;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.history.BuildHistory;
import dev.imagegate.rules.ContainerContext.EnvLiteral;
import dev.imagegate.rules.secrets.EnvEntry;
import dev.imagegate.rules.secrets.HistoryEnv;
import dev.imagegate.rules.secrets.Place;
import dev.imagegate.rules.secrets.SecretDetector;
import dev.imagegate.text.ExternalText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * No secret in an image's env, in the build arguments its history recorded, or as a literal in the pod
 * spec's env: anyone who can pull the image or read the pod can read them. Messages name the variable,
 * never its value.
 */
public class NoSecretsInEnvRule implements Rule {
  public static final String ID = "no-secrets-in-env";

  /**
   * @param allowKeys variable names never reported (exact, case-insensitive, {@code *} globs); default none
   * @param checkPodEnv also judge the pod spec's literal env values; default true
   */
  public record Options(List<String> allowKeys, Boolean checkPodEnv) {
    public Options {
      allowKeys = allowKeys == null ? List.of() : List.copyOf(allowKeys);
      checkPodEnv = checkPodEnv == null || checkPodEnv;
    }
  }

  private final Options options;
  private final SecretDetector detector;
  /**
   * The image-side violations (image env and history) of each image config, computed once: the ~20
   * credential formats are searched in an image's env and history once, not on every admission.
   * Holds violations (names and kinds of secrets), never values.
   */
  private final ImageMemo<List<Violation>> imageSide = new ImageMemo<>(this::imageViolations);

  public NoSecretsInEnvRule(ImagegateConfig config) {
    this(config.rule(ID).options(ID, Options.class));
  }

  public NoSecretsInEnvRule(Options options) {
    this.options = options;
    this.detector = new SecretDetector(options.allowKeys());
  }

  @Override
  public String id() {
    return ID;
  }

  /** One violation per variable and place, in the order image env, image history, pod env. */
  @Override
  public List<Violation> check(ContainerContext container, ImageFacts image) {
    List<Violation> fromImage = imageSide.get(image);
    List<Violation> fromPod = checkWithoutImage(container);
    if (fromPod.isEmpty()) {
      return fromImage;
    }
    List<Violation> all = new ArrayList<>(fromImage);
    all.addAll(fromPod);
    return List.copyOf(all);
  }

  /** The pod spec's literal env values, one violation per variable: a secret there is one whatever the image. */
  @Override
  public List<Violation> checkWithoutImage(ContainerContext container) {
    if (!options.checkPodEnv() || container.env().isEmpty()) {
      return List.of();
    }
    Map<String, Violation> fromPod = null; // built only when a literal holds a secret: rarely
    for (EnvLiteral literal : container.env()) {
      EnvEntry entry = new EnvEntry(literal.name(), literal.value(), Place.POD_ENV);
      Optional<String> kind = detector.detect(entry);
      if (kind.isPresent()) {
        fromPod = fromPod == null ? new LinkedHashMap<>() : fromPod;
        fromPod.putIfAbsent(entry.key(), violation(entry, kind.get()));
      }
    }
    return fromPod == null ? List.of() : List.copyOf(fromPod.values());
  }

  /**
   * Image env, then history: the same for every container that runs the image. Then what was left
   * unread: a secret past the parser's limits would go unseen, so such an image cannot pass as clean.
   */
  private List<Violation> imageViolations(ImageFacts image) {
    Map<String, Violation> byKeyAndPlace = new LinkedHashMap<>();
    Stream.concat(image.env().stream().map(keyValue -> EnvEntry.parse(keyValue, Place.IMAGE_ENV)),
            HistoryEnv.entries(BuildHistory.of(image)).stream())
        .forEach(entry -> detect(entry, byKeyAndPlace));
    List<Violation> violations = new ArrayList<>(byKeyAndPlace.values());
    unchecked("image env", image.envOmitted(), image.env().size(), "entries", violations);
    unchecked("image history", image.historyOmitted(), image.history().size(), "lines", violations);
    return List.copyOf(violations);
  }

  private static void unchecked(String place, int omitted, int checked, String what, List<Violation> violations) {
    if (omitted > 0) {
      violations.add(new Violation(ID, place + ": " + omitted + " of " + (checked + omitted) + " " + what
          + " not checked for secrets (past the first " + checked + "); build with fewer"));
    }
  }

  private void detect(EnvEntry entry, Map<String, Violation> byKeyAndPlace) {
    detector.detect(entry).ifPresent(kind ->
        byKeyAndPlace.putIfAbsent(entry.place().reportedAs() + "/" + entry.key(), violation(entry, kind)));
  }

  private Violation violation(EnvEntry entry, String kind) {
    Place place = entry.place();
    return new Violation(ID, place.label() + " " + name(entry.key()) + " holds " + kind + "; " + place.fix());
  }

  /** A name that itself looks like a credential (a value pasted as a key) is not repeated. */
  private String name(String key) {
    return detector.containsCredential(key) ? "<name withheld>" : ExternalText.quotedInMessage(key);
  }
}
