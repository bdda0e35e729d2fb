package dev.imagegate.admission;

import dev.imagegate.testing.TestImages;
import dev.imagegate.testing.TestImages.Format;
import java.util.Map;

/**
 * {@link WebhookTestRegistry} with multi-platform images whose children differ in who they run as
 * (Windows configs carry {@code os: windows} and {@code os.version}), and
 * {@code rules.run-as-non-root.allowUserNamespaces: true}.
 */
public class PlatformTestRegistry extends WebhookTestRegistry {
  static final String SERVER_2022 = "10.0.20348.2227";

  @Override
  public Map<String, String> start() {
    Map<String, String> config = super.start();
    TestImages images = TestImages.in(registry());
    // linux child non-root, windows child the administrator
    images.pushIndex("acme/mixed", "1.0", Format.OCI, true,
        TestImages.nginx().user("10001"), TestImages.nginx().user("ContainerAdministrator").windows(SERVER_2022));
    // amd64 child non-root, arm64 child root
    images.pushIndex("acme/arch", "1.0", Format.DOCKER, false,
        TestImages.nginx().user("10001").platform("linux/amd64"), TestImages.nginx().user("").platform("linux/arm64/v8"));
    images.pushIndex("acme/winuser", "1.0", Format.OCI, false, TestImages.nginx().user("ContainerUser").windows(SERVER_2022));
    images.pushIndex("acme/winadmin", "1.0", Format.OCI, false, TestImages.nginx().user("").windows(SERVER_2022));
    return config;
  }

  @Override
  protected String config(String registryHostPort) {
    return super.config(registryHostPort) + """
        rules:
          run-as-non-root:
            allowUserNamespaces: true
        """;
  }
}
