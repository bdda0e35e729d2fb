package dev.imagegate.image.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imagegate.image.ImageFacts;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Where the base image's history ends, when the history shows it. An image config records no
 * {@code FROM}: its history is the base image's entries followed by the image's own. The boundary is
 * read from two signs that must agree:
 *
 * <ul>
 *   <li>a base image ends with its {@code CMD} or {@code ENTRYPOINT}, and a Dockerfile seldom sets
 *       either before its own {@code RUN}, {@code ADD} or {@code COPY}: the last {@code CMD}/{@code
 *       ENTRYPOINT} entry that a content step follows is the candidate;
 *   <li>a base image was built before the image on top of it: the entry after the candidate must
 *       be dated at least {@link #MIN_GAP} after it.
 * </ul>
 *
 * Otherwise the boundary is {@link ImageFacts#UNKNOWN} and no step is called a base-image step: a
 * base whose history ends without CMD ({@code debian:bookworm-slim}'s one entry), a base built in the
 * same hour, a reproducible build that dates every entry alike, a history left incomplete by the
 * parser's bounds. Knowing it, a step before the boundary is one whose fix belongs to the base image.
 */
public final class BaseImageSteps {
  /** Less than this between two entries looks like one build (a slow step), not a base and an image. */
  static final Duration MIN_GAP = Duration.ofHours(1);

  private BaseImageSteps() {}

  /**
   * @param history the config's {@code history} array
   * @param kept how many of its entries the facts keep: a boundary past them is not claimed
   * @return how many leading entries belong to the base image, or {@link ImageFacts#UNKNOWN}
   */
  public static int count(JsonNode history, int kept) {
    if (!history.isArray() || kept < history.size()) {
      return ImageFacts.UNKNOWN;
    }
    boolean contentAfter = false;
    for (int i = history.size() - 1; i >= 0; i--) {
      Instruction instruction = Instruction.of(history.get(i).path("created_by").asText(""));
      if (contentAfter && (instruction.is("CMD") || instruction.is("ENTRYPOINT"))) {
        return builtBefore(history.get(i), history.get(i + 1)) ? i + 1 : ImageFacts.UNKNOWN;
      }
      contentAfter |= instruction.addsContent();
    }
    return ImageFacts.UNKNOWN;
  }

  private static boolean builtBefore(JsonNode last, JsonNode next) {
    try {
      OffsetDateTime end = OffsetDateTime.parse(last.path("created").asText(""));
      OffsetDateTime start = OffsetDateTime.parse(next.path("created").asText(""));
      return Duration.between(end, start).compareTo(MIN_GAP) >= 0;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
