package dev.imagegate.rules;

import static dev.imagegate.rules.Containers.container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.image.ImageFacts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PythonUnbufferedRuleTest {
  private final PythonUnbufferedRule rule = new PythonUnbufferedRule(new PythonUnbufferedRule.Options(null));

  private List<String> messages(ContainerContext container, ImageFacts image) {
    return Violations.messages(rule, container, image);
  }

  @Test
  void idIsStableAndTheRuleIsOffByDefault() {
    assertThat(rule.id()).isEqualTo("python-unbuffered");
    assertThat(rule.onByDefault()).isFalse();
  }

  @Test
  void officialPythonImageWithoutItIsReported() {
    assertThat(messages(container().build(), ImageConfigs.load(ImageConfigs.PYTHON)))
        .containsExactly("Python image (PYTHON_VERSION in its env) without PYTHONUNBUFFERED; set it to 1 in the image or container env");
  }

  @Test
  void theContainersEnvFixesIt() {
    assertThat(messages(container().env("PYTHONUNBUFFERED", "1").build(), ImageConfigs.load(ImageConfigs.PYTHON))).isEmpty();
  }

  @Test
  void theImagesEnvFixesItUnlessTheContainerEmptiesIt() {
    ImageFacts image = ImageConfigs.config().env("PYTHON_VERSION=3.12.8", "PYTHONUNBUFFERED=1").facts();
    assertThat(messages(container().build(), image)).isEmpty();
    assertThat(messages(container().env("PYTHONUNBUFFERED", "").build(), image)).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"PYTHONUNBUFFERED=", "PYTHONUNBUFFERED"})
  void anEmptyValueIsUnset(String entry) {
    assertThat(messages(container().build(), ImageConfigs.config().env("PYTHON_VERSION=3.11.11", entry).facts())).hasSize(1);
  }

  /** nginx, postgres (python3-dev only while building), redis, kong, alpine, distroless. */
  @ParameterizedTest
  @ValueSource(strings = {"nginx-1.27", "postgres-16", "redis-7.4", "kong-3.9", "alpine-3.20", "distroless-static-nonroot"})
  void otherOfficialImagesAreNoPythonImages(String fixture) {
    assertThat(messages(container().build(), ImageConfigs.load(fixture))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "RUN /bin/sh -c apt-get update && apt-get install -y python3 python3-pip && rm -rf /var/lib/apt/lists/* # buildkit",
    "RUN /bin/sh -c apk add --no-cache py3-pip # buildkit",
    "/bin/sh -c dnf install -y python3.11 && dnf clean all",
  })
  void pythonInstalledByTheHistoryIsAPythonImage(String createdBy) {
    assertThat(messages(container().build(), ImageConfigs.config().own(createdBy).facts())).singleElement()
        .satisfies(m -> assertThat(m).startsWith("Python image (installed in step 1) without PYTHONUNBUFFERED"));
  }

  @Test
  void pythonInstalledAndRemovedIsNoPythonImage() {
    ImageFacts image = ImageConfigs.config()
        .own("RUN /bin/sh -c apk add --no-cache --virtual .build-deps python3-dev gcc && make && apk del .build-deps # buildkit").facts();
    assertThat(messages(container().build(), image)).isEmpty();
  }

  @Test
  void configuredMarkers() {
    PythonUnbufferedRule rule =
        new PythonUnbufferedRule(Violations.configWithOptions(PythonUnbufferedRule.ID, Map.of("pythonEnv", List.of("CONDA_PYTHON_VERSION"))));
    ImageFacts conda = ImageConfigs.config().env("CONDA_PYTHON_VERSION=3.12").facts();
    assertThat(Violations.messages(rule, container().build(), conda)).hasSize(1);
  }
}
