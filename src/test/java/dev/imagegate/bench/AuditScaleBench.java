package dev.imagegate.bench;

import dev.imagegate.testing.LocalRegistry;
import dev.imagegate.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * For {@code bench/audit-scale.sh}: the real distribution registry with the cluster's distinct
 * images pushed, and a {@link FakeApiServer} serving a generated cluster of {@code PODS} pods under
 * {@code CONTROLLERS} controllers in {@code NAMESPACES} namespaces using {@code IMAGES} distinct
 * images; writes an imagegate configuration with the audit on (mirrors docker.io to the registry,
 * the chart's default selectors), prints {@code READY registry=HOST:PORT api=URL} and keeps both up
 * until its standard input closes, then prints the apiserver's request counts.
 *
 * <p>{@code java -cp … dev.imagegate.bench.AuditScaleBench CONFIG_PATH}; also {@code API_PORT},
 * {@code EVENTS_PER_SECOND} (MODIFIED pods sent to open watches, default 1), {@code BOOKMARK_SECONDS}
 * (60), {@code AUDIT_INTERVAL} (1h), {@code AUDIT_CONCURRENCY} (2).
 */
public final class AuditScaleBench {
  private AuditScaleBench() {}

  public static void main(String[] args) throws Exception {
    Path config = Path.of(args[0]);
    FakeCluster.Size size = FakeCluster.Size.fromEnv();
    try (LocalRegistry registry = LocalRegistry.startPlain("audit-scale")) {
      long started = System.nanoTime();
      pushImages(TestImages.in(registry), size.images());
      System.out.printf("pushed %d distinct images (+%d shared) in %.1f s%n", size.images(), FakeCluster.SHARED_IMAGES.size(),
          (System.nanoTime() - started) / 1e9);
      FakeCluster cluster = new FakeCluster(size);
      try (FakeApiServer api = new FakeApiServer(cluster, Integer.parseInt(FakeApiServer.envOr("API_PORT", "0")),
          Double.parseDouble(FakeApiServer.envOr("EVENTS_PER_SECOND", "1")),
          Integer.parseInt(FakeApiServer.envOr("BOOKMARK_SECONDS", "60")))) {
        Files.writeString(config, """
            mode: enforce
            registries:
              mirrors:
                docker.io: http://%1$s
              insecure: ["%1$s"]
            namespaceModes:
              enabled: true
            events:
              enabled: false
            audit:
              enabled: true
              interval: %2$s
              concurrency: %3$s
              # the chart's default registration selector (templates/_helpers.tpl, release namespace imagegate)
              namespaceSelector:
                matchExpressions:
                  - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system, imagegate]}
                  - {key: imagegate.dev/ignore, operator: NotIn, values: ["true"]}
                  - {key: imagegate.dev/mode, operator: NotIn, values: ["off", "Off", "OFF"]}
            """.formatted(registry.hostPort(), FakeApiServer.envOr("AUDIT_INTERVAL", "1h"), FakeApiServer.envOr("AUDIT_CONCURRENCY", "2")));
        System.out.printf("cluster: %d pods, %d deployments, %d replicasets, %d statefulsets, %d daemonsets, %d jobs, %d cronjobs, "
                + "%d namespaces%n", cluster.count(FakeCluster.Resource.PODS), cluster.count(FakeCluster.Resource.DEPLOYMENTS),
            cluster.count(FakeCluster.Resource.REPLICASETS), cluster.count(FakeCluster.Resource.STATEFULSETS),
            cluster.count(FakeCluster.Resource.DAEMONSETS), cluster.count(FakeCluster.Resource.JOBS),
            cluster.count(FakeCluster.Resource.CRONJOBS), cluster.count(FakeCluster.Resource.NAMESPACES));
        System.out.println("READY registry=" + registry.hostPort() + " api=" + api.url());
        System.out.flush();
        while (System.in.read() >= 0) {
          // until the benchmark closes our standard input
        }
        System.out.println("final requests: " + api.counts());
      }
    }
  }

  /**
   * Image {@code i} is {@code bench/svc-(i % 100):1.0.(i / 100)}: per repository one full push, then
   * each further tag a manifest {@code PUT} (a variant with its own digest). A quarter of the
   * repositories look like nginx (root, no HEALTHCHECK), a quarter like python (root, GPG_KEY), the
   * rest like a distroless nonroot image with a HEALTHCHECK; so the audit finds violations.
   */
  static void pushImages(TestImages images, int count) {
    var healthy = TestImages.distrolessNonroot().healthcheck(List.of("CMD", "/app", "health"));
    images.push("acme/api", "2.4.1", healthy);
    images.push("library/kong", "3.8", TestImages.kong());
    images.push("acme/shop-migrations", "3.1.0", healthy);
    images.push("library/python", "3.12", TestImages.python());
    int repositories = Math.min(count, FakeCluster.REPOSITORIES);
    for (int k = 0; k < repositories; k++) {
      int tags = count / FakeCluster.REPOSITORIES + (k < count % FakeCluster.REPOSITORIES ? 1 : 0);
      var config = switch (k % 4) {
        case 0 -> TestImages.nginx();
        case 1 -> TestImages.python();
        default -> healthy;
      };
      images.pushVariants("bench/svc-" + k, config, tags, 8, n -> "1.0." + n);
    }
  }
}
