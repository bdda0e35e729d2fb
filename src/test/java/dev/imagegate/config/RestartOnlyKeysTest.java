package dev.imagegate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartOnlyKeysTest {
  private static final ImagegateConfig RUNNING = ConfigLoader.parse("""
      mode: audit
      cache:
        maxImages: 10000
        prewarm: true
      audit:
        enabled: true
        interval: 1h
      registries:
        usePullSecrets: true
        timeout: 8s
      """);

  @Test
  void aReloadTakesEveryLiveKeyFromTheFile() {
    ImagegateConfig loaded = ConfigLoader.parse("""
        mode: enforce
        rules:
          run-as-non-root: {mode: warn, requireNumericUser: true}
        exemptions: {namespaces: [legacy]}
        cache:
          maxImages: 500
          tagTtl: 30s
          prewarm: true
        audit:
          enabled: true
          interval: 1h
        registries:
          usePullSecrets: true
          timeout: 3s
          mirrors: {docker.io: "http://127.0.0.1:5000"}
        limits: {maxImagesPerRequest: 7}
        exceptions:
          - name: vendor
            rules: [run-as-non-root]
            namespaces: [payments]
            reason: vendor image; ticket OPS-1
        """);

    RestartOnlyKeys.Kept kept = RestartOnlyKeys.keep(RUNNING, loaded);

    assertThat(kept.notApplied()).isEmpty();
    assertThat(kept.config()).isEqualTo(loaded);
  }

  @Test
  void aKeyReadOnlyAtStartKeepsItsRunningValueAndIsNamed() {
    ImagegateConfig loaded = ConfigLoader.parse("""
        mode: warn
        cache:
          maxImages: 10000
          prewarm: false
        audit:
          enabled: true
          interval: 5m
        registries:
          usePullSecrets: false
          timeout: 2s
        """);

    RestartOnlyKeys.Kept kept = RestartOnlyKeys.keep(RUNNING, loaded);

    assertThat(kept.notApplied()).containsExactly(
        "config key cache.prewarm changed but needs a restart; still true (the file says false)",
        "config key audit.interval changed but needs a restart; still 1h (the file says 5m)",
        "config key registries.usePullSecrets changed but needs a restart; still true (the file says false)");
    assertThat(kept.config().cache().prewarm()).isTrue();
    assertThat(kept.config().audit().interval()).isEqualTo(Duration.ofHours(1));
    assertThat(kept.config().registries().usePullSecrets()).isTrue();
    assertThat(kept.config().mode()).as("live keys of the same file apply").isEqualTo(Mode.WARN);
    assertThat(kept.config().registries().timeout()).isEqualTo(Duration.ofSeconds(2));
  }
}
