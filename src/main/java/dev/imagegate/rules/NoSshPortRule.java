package dev.imagegate.rules;

import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.text.ExternalText;
import java.util.List;
import java.util.Locale;

/**
 * The image does not expose SSH ({@code EXPOSE 22}, {@code 22/tcp} in its {@code ExposedPorts}): a
 * container is reached with {@code kubectl exec}, and an SSH server is one more way in to keep patched.
 */
public class NoSshPortRule extends OptionalRule {
  public static final String ID = "no-ssh-port";

  /** @param ports the TCP ports that count as SSH; default [22] */
  public record Options(List<Integer> ports) {
    public Options {
      ports = ports == null ? List.of(22) : List.copyOf(ports);
    }
  }

  private final Options options;

  public NoSshPortRule(ImagegateConfig config) {
    this(config.rule(ID).options(ID, Options.class));
  }

  public NoSshPortRule(Options options) {
    super(ID);
    this.options = options;
  }

  @Override
  public List<Violation> check(ContainerContext container, ImageFacts image) {
    for (String port : image.exposedPorts()) {
      if (isSsh(port)) {
        return List.of(new Violation(ID, "image exposes " + ExternalText.quotedInMessage(port)
            + " (SSH); use kubectl exec instead of an SSH server"));
      }
    }
    return List.of();
  }

  /** {@code 22/tcp}, or {@code 22} (TCP is the default protocol); not {@code 22/udp}. */
  private boolean isSsh(String port) {
    String written = port.strip().toLowerCase(Locale.ROOT);
    int slash = written.indexOf('/');
    String number = slash < 0 ? written : written.substring(0, slash);
    String protocol = slash < 0 ? "tcp" : written.substring(slash + 1);
    if (!protocol.equals("tcp") || number.isEmpty() || number.length() > 5 || !number.chars().allMatch(Character::isDigit)) {
      return false;
    }
    return options.ports().contains(Integer.parseInt(number));
  }
}
