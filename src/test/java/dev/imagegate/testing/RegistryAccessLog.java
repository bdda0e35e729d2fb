package dev.imagegate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a {@link LocalRegistry} was asked, read from its log: one {@link Request} per access-log
 * line ({@code "GET /v2/library/nginx/manifests/1.27 HTTP/1.1" 200}), and the client address
 * ({@code 127.0.0.1:41928}) of each request, which tells how many TCP connections were used.
 *
 * <p>Counts start at the last {@link #reset()}. Reads wait until the log has been quiet for a moment,
 * since the registry writes a line just after it answers.
 */
public final class RegistryAccessLog {
  private static final Pattern ACCESS = Pattern.compile("\"([A-Z]+) (\\S+) HTTP/[0-9.]+\" (\\d{3}) ");
  private static final Pattern REMOTE = Pattern.compile("http\\.request\\.remoteaddr=\"?([^\" ]+)\"?");

  /** One request the registry answered. */
  public record Request(String method, String path, int status) {}

  private final Path file;
  private long offset;

  RegistryAccessLog(Path file) {
    this.file = file;
  }

  /** Forgets everything logged so far. */
  public void reset() {
    settle();
    offset = size();
  }

  /** The requests since the last reset, in order. */
  public List<Request> requests() {
    List<Request> requests = new ArrayList<>();
    for (String line : lines()) {
      Matcher m = ACCESS.matcher(line);
      if (m.find() && !line.startsWith("time=")) {
        requests.add(new Request(m.group(1), m.group(2), Integer.parseInt(m.group(3))));
      }
    }
    return requests;
  }

  /** Requests with this method whose path matches the regular expression (anywhere in the path). */
  public long count(String method, String pathRegex) {
    Pattern path = Pattern.compile(pathRegex);
    return requests().stream().filter(r -> r.method().equals(method) && path.matcher(r.path()).find()).count();
  }

  /** {@code GET /v2/REPOSITORY/manifests/...} since the last reset. */
  public long manifestGets(String repository) {
    return count("GET", "^/v2/" + Pattern.quote(repository) + "/manifests/");
  }

  /** {@code GET /v2/REPOSITORY/blobs/...} since the last reset. */
  public long blobGets(String repository) {
    return count("GET", "^/v2/" + Pattern.quote(repository) + "/blobs/");
  }

  /** Requests to any {@code /v2/.../manifests/} or {@code /blobs/} path since the last reset. */
  public long registryReads() {
    return requests().stream().filter(r -> r.path().contains("/manifests/") || r.path().contains("/blobs/")).count();
  }

  /** Distinct client {@code address:port} pairs since the last reset: the TCP connections used. */
  public int connections() {
    Set<String> remotes = new LinkedHashSet<>();
    for (String line : lines()) {
      Matcher m = REMOTE.matcher(line);
      if (m.find()) {
        remotes.add(m.group(1));
      }
    }
    return remotes.size();
  }

  private List<String> lines() {
    settle();
    try {
      byte[] all = Files.readAllBytes(file);
      int from = (int) Math.min(offset, all.length);
      String text = new String(all, from, all.length - from, StandardCharsets.UTF_8);
      return text.lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits (up to 2 s) until the log stops growing for 150 ms. */
  private void settle() {
    long deadline = System.currentTimeMillis() + 2000;
    long last = size();
    long quietSince = System.currentTimeMillis();
    while (System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long now = size();
      if (now != last) {
        last = now;
        quietSince = System.currentTimeMillis();
      } else if (System.currentTimeMillis() - quietSince >= 150) {
        return;
      }
    }
  }

  private long size() {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }
}
