package dev.imagegate.rules;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.history.BuildHistory;
import dev.imagegate.rules.ContainerContext.EnvLiteral;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Python container runs with {@code PYTHONUNBUFFERED} set to a non-empty value: otherwise Python
 * buffers stdout when it is not a terminal, so log lines arrive late and the last ones are lost when
 * the container dies. A Python image is one whose env names its Python ({@code PYTHON_VERSION}, as
 * the official images set it) or whose history installed Python and kept it. The container's env
 * wins over the image's, as at run time; a value from a ConfigMap or Secret ({@code valueFrom}) is not
 * known here and does not count.
 */
public class PythonUnbufferedRule extends OptionalRule {
  public static final String ID = "python-unbuffered";

  private static final String UNBUFFERED = "PYTHONUNBUFFERED";
  /** Python itself or a package that brings it: {@code python3}, {@code python3.12}, {@code python3-pip}, Alpine's {@code py3-pip}. */
  private static final Pattern PYTHON_PACKAGE = Pattern.compile("python(?:\\d(?:\\.\\d+)?)?(?:[-.].*)?|py3-.+");

  /** @param pythonEnv image env variables whose presence (non-empty) marks a Python image; default [PYTHON_VERSION] */
  public record Options(List<String> pythonEnv) {
    public Options {
      pythonEnv = pythonEnv == null ? List.of("PYTHON_VERSION") : List.copyOf(pythonEnv);
    }
  }

  /** What the image alone says: why it is a Python image (null: it is not), and its own PYTHONUNBUFFERED (null: unset). */
  private record ImageSide(String python, String unbuffered) {}

  private final Options options;
  private final ImageMemo<ImageSide> imageSide = new ImageMemo<>(this::read);

  public PythonUnbufferedRule(ImagegateConfig config) {
    this(config.rule(ID).options(ID, Options.class));
  }

  public PythonUnbufferedRule(Options options) {
    super(ID);
    this.options = options;
  }

  @Override
  public List<Violation> check(ContainerContext container, ImageFacts image) {
    ImageSide side = imageSide.get(image);
    if (side.python() == null) {
      return List.of();
    }
    String value = side.unbuffered();
    for (EnvLiteral literal : container.env()) {
      if (UNBUFFERED.equals(literal.name())) {
        value = literal.value(); // the last entry wins, as in the kubelet
      }
    }
    if (value != null && !value.isEmpty()) {
      return List.of();
    }
    return List.of(new Violation(ID, "Python image (" + side.python() + ") without " + UNBUFFERED
        + "; set it to 1 in the image or container env"));
  }

  private ImageSide read(ImageFacts image) {
    String python = null;
    String unbuffered = null;
    for (String entry : image.env()) {
      int eq = entry.indexOf('=');
      String key = eq < 0 ? entry : entry.substring(0, eq);
      String value = eq < 0 ? "" : entry.substring(eq + 1);
      if (key.equals(UNBUFFERED)) {
        unbuffered = value;
      } else if (python == null && !value.isEmpty() && options.pythonEnv().contains(key)) {
        python = key + " in its env";
      }
    }
    if (python == null) {
      python = BuildHistory.of(image).installed().stream()
          .filter(p -> PYTHON_PACKAGE.matcher(p.name()).matches())
          .findFirst()
          .map(p -> "installed in step " + p.step().number())
          .orElse(null);
    }
    return new ImageSide(python, unbuffered);
  }
}
