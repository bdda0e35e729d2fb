package dev.imagegate.admission;

import dev.imagegate.image.Digest;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.image.ImageReference;
import dev.imagegate.policy.ImageSource;
import dev.imagegate.registry.ResolvedImage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The warm-up's image source: made-up facts for any reference, answered at once, never a registry
 * nor the image caches. Every image of one admission has the same shape, and the shape changes with
 * each {@link #nextAdmission()}, so that every rule's passing and failing branches are compiled and
 * both denials and admissions are written: a root image without a HEALTHCHECK and with a credential
 * in its env, a non-root one with one, and a two-platform index.
 */
final class WarmupImages implements ImageSource {
  private static final Digest DIGEST = Digest.parse("sha256:" + "0".repeat(64));
  private static final List<String> HISTORY = List.of("/bin/sh -c #(nop) ADD file:0 in / ", "/bin/sh -c #(nop)  CMD [\"sh\"]");
  private static final List<String> HEALTHCHECK = List.of("CMD", "/app", "health");

  private final AtomicInteger admission = new AtomicInteger();

  /** The images of the next admission take the next shape. */
  void nextAdmission() {
    admission.incrementAndGet();
  }

  @Override
  public CompletableFuture<ResolvedImage> resolve(ImageReference reference) {
    List<ImageFacts> platforms = switch (Math.floorMod(admission.get(), 3)) {
      case 0 -> List.of(facts("linux/amd64", "", null,
          // the example key of AWS's documentation: a value the secret rule flags, never a real one
          List.of("PATH=/usr/local/bin:/usr/bin:/bin", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "LANG=C.UTF-8")));
      case 1 -> List.of(facts("linux/amd64", "65532", HEALTHCHECK, List.of("PATH=/usr/bin:/bin", "APP_PORT=8080")));
      default -> List.of(
          facts("linux/amd64", "101", HEALTHCHECK, List.of("PATH=/usr/bin:/bin", "NGINX_VERSION=1.27.3")),
          facts("linux/arm64/v8", "101", HEALTHCHECK, List.of("PATH=/usr/bin:/bin", "NGINX_VERSION=1.27.3")));
    };
    return CompletableFuture.completedFuture(new ResolvedImage(reference, DIGEST, platforms));
  }

  private static ImageFacts facts(String platform, String user, List<String> healthcheck, List<String> env) {
    return new ImageFacts(platform, DIGEST.toString(), user, healthcheck, env, HISTORY);
  }
}
