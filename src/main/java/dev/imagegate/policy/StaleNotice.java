package dev.imagegate.policy;

import dev.imagegate.registry.ResolvedImage;
import dev.imagegate.registry.StaleFacts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Some images of a workload were judged on registry facts that could not be confirmed just now
 * (their registry was unreachable; {@code cache.staleIfError}): one notice for the whole workload.
 *
 * @param oldest the age of the oldest facts judged on
 * @param registries the registries that could not be reached, each once, in the order met
 */
public record StaleNotice(Duration oldest, List<String> registries) {
  public StaleNotice {
    registries = List.copyOf(registries);
  }

  /** The notice for these fetches (only those done and answered count), or null when every answer was confirmed. */
  static StaleNotice of(Collection<CompletableFuture<ResolvedImage>> fetches) {
    Duration oldest = null;
    List<String> registries = null;
    for (CompletableFuture<ResolvedImage> fetch : fetches) {
      StaleFacts stale = fetch.isDone() && !fetch.isCompletedExceptionally() ? fetch.join().stale() : null;
      if (stale == null) {
        continue;
      }
      if (registries == null) {
        registries = new ArrayList<>(2);
        oldest = stale.age();
      }
      oldest = stale.age().compareTo(oldest) > 0 ? stale.age() : oldest;
      if (!registries.contains(stale.registry())) {
        registries.add(stale.registry());
      }
    }
    return registries == null ? null : new StaleNotice(oldest, registries);
  }

  /**
   * {@code judged on registry facts from 3m12s ago: docker.io, ghcr.io unreachable}, at most
   * {@code maxChars} long: registries that do not fit are counted ({@code docker.io and 4 more}).
   */
  public String describe(int maxChars) {
    String head = "judged on registry facts from " + age(oldest) + " ago: ";
    String tail = " unreachable";
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < registries.size(); i++) {
      String name = (i == 0 ? "" : ", ") + registries.get(i);
      int left = registries.size() - i - 1;
      String more = left == 0 ? "" : " and " + left + " more";
      if (head.length() + names.length() + name.length() + more.length() + tail.length() > maxChars) {
        names.append(i == 0 ? registries.size() + " registries" : " and " + (registries.size() - i) + " more");
        break;
      }
      names.append(name);
    }
    return head + names + tail;
  }

  /** {@code 45s}, {@code 3m12s}, {@code 2h5m}, {@code 26h}: the age as kubectl shows one. */
  static String age(Duration age) {
    long seconds = Math.max(0, age.toSeconds());
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3_600) {
      return seconds / 60 + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
    }
    if (seconds < 10 * 3_600) {
      return seconds / 3_600 + "h" + (seconds % 3_600 / 60 == 0 ? "" : seconds % 3_600 / 60 + "m");
    }
    return seconds / 3_600 + "h";
  }
}
