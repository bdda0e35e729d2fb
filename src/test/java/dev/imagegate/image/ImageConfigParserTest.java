package dev.imagegate.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Bounded work per image config: the first 1,000 env entries and history lines, and a count of the rest. */
class ImageConfigParserTest {

  private static ImageFacts parse(String json) throws Exception {
    return ImageConfigParser.parse("linux/amd64", "sha256:" + "0".repeat(64), json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void keepsTheFirstThousandEnvEntriesAndHistoryLinesAndCountsTheRest() throws Exception {
    String env = IntStream.range(0, 5_000).mapToObj(i -> "\"K" + i + "=v\"").collect(Collectors.joining(","));
    String history = IntStream.range(0, 3_000).mapToObj(i -> "{\"created_by\":\"RUN step " + i + "\"}").collect(Collectors.joining(","));
    ImageFacts facts = parse("{\"config\":{\"User\":\"1000\",\"Env\":[" + env + "]},\"history\":[" + history + "]}");

    assertThat(facts.env()).hasSize(ImageConfigParser.MAX_ENV_ENTRIES).startsWith("K0=v").endsWith("K999=v");
    assertThat(facts.history()).hasSize(ImageConfigParser.MAX_HISTORY_ENTRIES).startsWith("RUN step 0").endsWith("RUN step 999");
    assertThat(facts.envOmitted()).isEqualTo(4_000);
    assertThat(facts.historyOmitted()).isEqualTo(2_000);
    assertThat(facts.truncated()).isTrue();
    assertThat(facts.toString()).contains("env=1000 entries (+4000 omitted)").contains("history=1000 entries (+2000 omitted)")
        .doesNotContain("K0=v").doesNotContain("RUN step");
  }

  @Test
  void keepsAtMostHalfAMebicharOfEnvAndOfHistory() throws Exception {
    String huge = "x".repeat(3_000_000);
    ImageFacts facts = parse("{\"config\":{\"Env\":[\"A=1\",\"BIG=" + huge + "\",\"AFTER=1\"]},"
        + "\"history\":[{\"created_by\":\"RUN " + huge + "\"},{\"created_by\":\"RUN after\"}]}");

    assertThat(facts.env()).hasSize(2);
    assertThat(facts.env().get(0)).isEqualTo("A=1");
    assertThat(facts.env().get(1)).startsWith("BIG=xxx").hasSize(ImageConfigParser.MAX_CHARS - 3);
    assertThat(facts.envOmitted()).as("AFTER=1 no longer fits").isEqualTo(1);
    assertThat(facts.history()).singleElement().satisfies(line -> assertThat(line).startsWith("RUN xxx").hasSize(ImageConfigParser.MAX_CHARS));
    assertThat(facts.historyOmitted()).isEqualTo(1);
  }

  @Test
  void anOrdinaryConfigIsKeptWhole() throws Exception {
    ImageFacts facts = parse("""
        {"config":{"User":"nginx","Env":["PATH=/usr/bin","NGINX_VERSION=1.27"],"Healthcheck":{"Test":["CMD","true"]}},
         "history":[{"created_by":"ADD file"},{"created_by":"CMD [\\"nginx\\"]","empty_layer":true}]}""");
    assertThat(facts.user()).isEqualTo("nginx");
    assertThat(facts.env()).containsExactly("PATH=/usr/bin", "NGINX_VERSION=1.27");
    assertThat(facts.history()).containsExactly("ADD file", "CMD [\"nginx\"]");
    assertThat(facts.healthcheckTest()).containsExactly("CMD", "true");
    assertThat(facts.truncated()).isFalse();
  }

  @Test
  void exposedPortsAndTheBaseImageBoundaryAreRead() throws Exception {
    ImageFacts facts = parse("""
        {"config":{"ExposedPorts":{"80/tcp":{},"443/tcp":{}}},
         "history":[{"created":"2024-11-25T00:00:00Z","created_by":"ADD file:0 in / "},
                    {"created":"2024-11-25T00:00:00Z","created_by":"/bin/sh -c #(nop)  CMD [\\"bash\\"]","empty_layer":true},
                    {"created":"2024-11-26T18:42:08Z","created_by":"RUN /bin/sh -c make # buildkit"}]}""");
    assertThat(facts.exposedPorts()).containsExactly("80/tcp", "443/tcp");
    assertThat(facts.baseSteps()).isEqualTo(2);
    assertThat(facts.compressedSize()).isEqualTo(ImageFacts.UNKNOWN);
    assertThat(facts.withCompressedSize(1234).compressedSize()).isEqualTo(1234);
  }
}
