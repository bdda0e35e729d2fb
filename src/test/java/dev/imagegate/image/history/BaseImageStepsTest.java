package dev.imagegate.image.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.imagegate.image.ImageFacts;
import dev.imagegate.rules.ImageConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where a base image's history ends: only where the history shows it. */
class BaseImageStepsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Pairs of created, created_by. */
  private static int count(String... entries) {
    ArrayNode history = JSON.createArrayNode();
    for (int i = 0; i < entries.length; i += 2) {
      history.addObject().put("created", entries[i]).put("created_by", entries[i + 1]);
    }
    return BaseImageSteps.count(history, history.size());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "nginx-1.27, 2",          // debian's ADD and CMD ["bash"], then nginx's own a day later
    "postgres-16, 2",         // alpine's ADD and CMD ["/bin/sh"]
    "kong-3.9, 6",            // ubuntu's six entries
    "careless-python-app, 10", // python:3.12-slim's ten entries, then the app's
    "python-3.12, -1",        // debian:bookworm-slim's one entry ends without CMD: cannot tell
    "redis-7.4, -1",
    "alpine-3.20, -1",        // no step after its CMD: it is all one image
    "distroless-static-nonroot, -1",
  })
  void realImages(String fixture, int baseSteps) {
    assertThat(ImageConfigs.load(fixture).baseSteps()).isEqualTo(baseSteps);
  }

  @Test
  void cmdThenContentAnHourLater() {
    assertThat(count("2024-01-01T00:00:00Z", "ADD rootfs / # buildkit", "2024-01-01T00:00:00Z", "CMD [\"sh\"]",
        "2024-01-01T01:00:00Z", "RUN /bin/sh -c true # buildkit")).isEqualTo(2);
  }

  @Test
  void aDockerfileThatSetsEntrypointBeforeItsOwnStepsIsNotABoundary() {
    assertThat(count("2024-01-01T00:00:00Z", "ADD rootfs / # buildkit", "2024-01-01T00:00:05Z", "ENTRYPOINT [\"/app\"]",
        "2024-01-01T00:02:30Z", "RUN /bin/sh -c make # buildkit")).isEqualTo(ImageFacts.UNKNOWN);
  }

  @Test
  void reproducibleBuildsThatDateEveryEntryAlikeCannotTell() {
    String epoch = "1970-01-01T00:00:00Z";
    assertThat(count(epoch, "ADD rootfs / # buildkit", epoch, "CMD [\"sh\"]", epoch, "RUN /bin/sh -c true # buildkit"))
        .isEqualTo(ImageFacts.UNKNOWN);
  }

  @Test
  void missingOrBadDatesCannotTell() {
    assertThat(count("", "ADD rootfs /", "", "CMD [\"sh\"]", "", "RUN /bin/sh -c true")).isEqualTo(ImageFacts.UNKNOWN);
    assertThat(count("yesterday", "CMD [\"sh\"]", "today", "RUN /bin/sh -c true")).isEqualTo(ImageFacts.UNKNOWN);
  }

  @Test
  void theLastBoundaryCounts() {
    assertThat(count("2023-01-01T00:00:00Z", "ADD rootfs /", "2023-01-01T00:00:00Z", "CMD [\"bash\"]",
        "2024-01-01T00:00:00Z", "RUN /bin/sh -c build python", "2024-01-01T00:00:00Z", "CMD [\"python3\"]",
        "2025-01-01T00:00:00Z", "COPY . /app # buildkit", "2025-01-01T00:00:00Z", "CMD [\"python\" \"app.py\"]")).isEqualTo(4);
  }

  @Test
  void historyCutByTheParserCannotTell() {
    JsonNode history = JSON.createArrayNode().add(JSON.createObjectNode().put("created_by", "CMD [\"sh\"]"));
    assertThat(BaseImageSteps.count(history, 0)).isEqualTo(ImageFacts.UNKNOWN);
  }
}
