package dev.imagegate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.SSLServerSocket;

/**
 * A small fault-injecting HTTP/1.1 proxy in front of a real {@link LocalRegistry} (plain HTTP): by
 * default every request goes to the registry and its answer comes back; a rule makes matching
 * requests fail instead, a given number of times or for good. Faults: {@link #hang()} (accept,
 * read, never answer), {@link #delay} (answer late), {@link #reset()} (TCP RST), {@link #respond(int, Map, byte[])} (any status,
 * headers and body: 500, 429 with {@code Retry-After}, a malformed or a 10 MB manifest). With
 * {@link #tls(LocalRegistry, TestCa)} it speaks TLS to its clients with a certificate from the
 * given CA (an unknown CA, for the client).
 *
 * <p>Every answer closes the client's connection ({@code Connection: close}): simple, and
 * harmless for tests of failures. Only loopback addresses are used.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.plain(registry)) {
 *   proxy.on("GET", "/manifests/", 1, FaultProxy.respond(429, Map.of("Retry-After", "1"), new byte[0]));
 *   ... resolve proxy.hostPort() + "/library/nginx:1.27" ...
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {
  /** What to do with a matching request. */
  public sealed interface Fault permits Hang, Reset, Respond, Pass, Delay {}

  record Hang() implements Fault {}

  record Reset() implements Fault {}

  record Pass() implements Fault {}

  record Delay(long millis) implements Fault {}

  record Respond(int status, Map<String, String> headers, byte[] body) implements Fault {}

  private record Rule(String method, Pattern path, AtomicInteger remaining, Fault fault) {}

  private final ServerSocket server;
  private final LocalRegistry upstream;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "fault-proxy");
    thread.setDaemon(true);
    return thread;
  });

  private FaultProxy(ServerSocket server, LocalRegistry upstream) {
    this.server = server;
    this.upstream = upstream;
    workers.execute(this::acceptLoop);
  }

  /** A plain-HTTP proxy in front of a plain-HTTP registry. */
  public static FaultProxy plain(LocalRegistry upstream) {
    try {
      ServerSocket server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
      return new FaultProxy(server, upstream);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A proxy speaking TLS to its clients (certificate for 127.0.0.1 and localhost issued by {@code ca}). */
  public static FaultProxy tls(LocalRegistry upstream, TestCa ca) {
    try {
      SSLServerSocket server = (SSLServerSocket) ca.issueServer().serverContext().getServerSocketFactory().createServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
      return new FaultProxy(server, upstream);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Fault hang() {
    return new Hang();
  }

  public static Fault reset() {
    return new Reset();
  }

  public static Fault pass() {
    return new Pass();
  }

  /** Forwards the request after a pause: a slow registry. */
  public static Fault delay(java.time.Duration pause) {
    return new Delay(pause.toMillis());
  }

  public static Fault respond(int status, Map<String, String> headers, byte[] body) {
    return new Respond(status, Map.copyOf(headers), body.clone());
  }

  public static Fault respond(int status, Map<String, String> headers, String body) {
    return respond(status, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Makes requests with {@code method} whose path matches {@code pathRegex} (anywhere) fail with
   * {@code fault}, the first {@code times} of them ({@code -1}: all). Earlier rules win.
   */
  public FaultProxy on(String method, String pathRegex, int times, Fault fault) {
    rules.add(new Rule(method, Pattern.compile(pathRegex), new AtomicInteger(times < 0 ? Integer.MAX_VALUE : times), fault));
    return this;
  }

  /** Forgets every rule and every request seen. */
  public void clear() {
    rules.clear();
    requests.clear();
  }

  /** {@code 127.0.0.1:PORT}. */
  public String hostPort() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** {@code METHOD PATH} of every request received, in order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** How many requests matched {@code method} and {@code pathRegex}. */
  public long count(String method, String pathRegex) {
    Pattern path = Pattern.compile(pathRegex);
    return requests.stream().filter(r -> r.startsWith(method + " ") && path.matcher(r.substring(method.length() + 1)).find()).count();
  }

  /** The most requests this proxy was handling at the same time. */
  public int maxConcurrentRequests() {
    return maxInFlight.get();
  }

  /** TCP connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        open.add(client);
        workers.execute(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = new java.io.BufferedInputStream(client.getInputStream());
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      String text = new String(head, StandardCharsets.ISO_8859_1);
      String[] requestLine = text.substring(0, text.indexOf("\r\n")).split(" ");
      String method = requestLine[0];
      String path = requestLine.length > 1 ? requestLine[1] : "/";
      Map<String, String> headers = headers(text);
      byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0").trim()));
      requests.add(method + " " + path);
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      byte[] answer;
      try {
        answer = answer(client, in, method, path, text, body);
      } finally {
        // Counted as done before the answer leaves: the client may send its next request the moment it has it.
        inFlight.decrementAndGet();
      }
      if (answer != null) {
        client.getOutputStream().write(answer);
        client.getOutputStream().flush();
      }
    } catch (IOException e) {
      // the client went away, or the proxy is closing
    } finally {
      open.remove(client);
    }
  }

  /** The bytes to answer with; null for none (hang, reset). */
  private byte[] answer(Socket client, InputStream in, String method, String path, String text, byte[] body) throws IOException {
    Fault fault = match(method, path);
    if (fault instanceof Hang) {
      while (in.read() >= 0) {
        // never answer; return once the client gives up and closes
      }
      return null;
    }
    if (fault instanceof Reset) {
      client.setSoLinger(true, 0);
      return null;
    }
    if (fault instanceof Respond respond) {
      return respond(method, respond);
    }
    if (fault instanceof Delay delay) {
      try {
        Thread.sleep(delay.millis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return forward(text, body);
  }

  private Fault match(String method, String path) {
    for (Rule rule : rules) {
      if (rule.method().equals(method) && rule.path().matcher(path).find()
          && rule.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        return rule.fault();
      }
    }
    return new Pass();
  }

  private static byte[] respond(String method, Respond respond) throws IOException {
    StringBuilder head = new StringBuilder("HTTP/1.1 ").append(respond.status()).append(" Fault\r\n");
    head.append("Content-Length: ").append(respond.body().length).append("\r\n");
    head.append("Connection: close\r\n");
    respond.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (!method.equals("HEAD")) {
      out.write(respond.body());
    }
    return out.toByteArray();
  }

  /** Sends the request to the registry (asking it to close); its answer, with {@code Connection: close}. */
  private byte[] forward(String requestHead, byte[] body) throws IOException {
    String registryHost = upstream.hostPort();
    int colon = registryHost.lastIndexOf(':');
    try (Socket registry = new Socket(registryHost.substring(0, colon), Integer.parseInt(registryHost.substring(colon + 1)))) {
      OutputStream toRegistry = registry.getOutputStream();
      toRegistry.write(withConnectionClose(requestHead, "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      toRegistry.write(body);
      toRegistry.flush();
      InputStream fromRegistry = new java.io.BufferedInputStream(registry.getInputStream());
      byte[] responseHead = readHead(fromRegistry);
      if (responseHead == null) {
        return null;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(withConnectionClose(new String(responseHead, StandardCharsets.ISO_8859_1), "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      fromRegistry.transferTo(out);
      return out.toByteArray();
    }
  }

  /** The head with any Connection header replaced by {@code Connection: close}. */
  private static String withConnectionClose(String head, String eol) {
    List<String> lines = new ArrayList<>(List.of(head.split("\r\n")));
    lines.removeIf(line -> line.toLowerCase(Locale.ROOT).startsWith("connection:") || line.toLowerCase(Locale.ROOT).startsWith("keep-alive:"));
    lines.add("Connection: close");
    return String.join(eol, lines) + eol + eol;
  }

  private static Map<String, String> headers(String head) {
    Map<String, String> headers = new LinkedHashMap<>();
    String[] lines = head.split("\r\n");
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    return headers;
  }

  /** Bytes up to and including the blank line ending an HTTP head; null at end of stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return head.size() == 0 ? null : head.toByteArray();
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > 64 * 1024) {
        throw new IOException("request head too large");
      }
    }
    return head.toByteArray();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket socket : open) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    workers.shutdownNow();
  }

}
