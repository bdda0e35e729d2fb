package dev.imagegate.registry;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/** A tiny plain-HTTP server answering every path with a fixed body; remembers what it was asked. */
final class LoopbackHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final List<String> hostHeaders = new CopyOnWriteArrayList<>();
  private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

  LoopbackHttpServer(String body) {
    this(body, null);
  }

  /** With {@code tls}, an HTTPS server presenting that context's certificate. */
  LoopbackHttpServer(String body, SSLContext tls) {
    try {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
      if (tls == null) {
        server = HttpServer.create(address, 0);
      } else {
        HttpsServer https = HttpsServer.create(address, 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        server = https;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    server.createContext("/", exchange -> {
      try (exchange) {
        paths.add(exchange.getRequestURI().toString());
        hostHeaders.add(exchange.getRequestHeaders().getFirst("Host"));
        clientPorts.add(exchange.getRemoteAddress().getPort());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
      }
    });
    server.start();
  }

  String hostPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  List<String> paths() {
    return paths;
  }

  List<String> hostHeaders() {
    return hostHeaders;
  }

  /** Distinct client ports seen: the TCP connections used. */
  int connections() {
    return clientPorts.size();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
