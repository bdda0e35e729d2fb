package dev.imagegate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.imagegate.bench.FakeCluster.Resource;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Kubernetes API server of our own for benchmarks, on loopback over plain HTTP, serving a
 * {@link FakeCluster} of generated objects (rendered per request, never held):
 *
 * <ul>
 *   <li>LIST of every {@link Resource}, cluster-wide or in one namespace, paged as the apiserver
 *       pages ({@code limit}, an opaque {@code continue}, {@code remainingItemCount},
 *       {@code resourceVersion} in the list's metadata), streamed; {@code labelSelector} on
 *       namespaces ({@code key}, {@code key=value}, {@code key!=value});
 *   <li>GET of one object by name (namespaces, and any resource by a name this cluster generates);
 *   <li>WATCH ({@code watch=true}): a chunked stream of JSON events per line, kept open for the
 *       request's {@code timeoutSeconds} (default 30 min), with a BOOKMARK every
 *       {@code bookmarkSeconds} when asked ({@code allowWatchBookmarks}); events come from
 *       {@link #emit} or from a rate of MODIFIED pods ({@code EVENTS_PER_SECOND}). A WebSocket
 *       upgrade is answered 200 without an upgrade, so fabric8 falls back to a watch over HTTP at once
 *       (one extra request per watch started, counted apart);
 *   <li>coordination.k8s.io Leases: GET, POST, PUT (with resourceVersion conflicts), so fabric8's
 *       leader election works;
 *   <li>wgpolicyk8s.io/v1alpha2 PolicyReports: discovery, list, get, create, update, delete; their
 *       metadata is kept (not their results) and the bytes written are counted.
 * </ul>
 *
 * <p>Every request is counted by verb and resource ({@link #counts}); {@code GET /_bench/counts}
 * returns the counts as JSON, {@code POST /_bench/event?type=MODIFIED&resource=pods&index=7} emits
 * one event to the open watches of the resource.
 */
public final class FakeApiServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> DEFAULT_VERBS = Set.of("get", "list", "watch", "create", "update", "patch", "delete");

  private final FakeCluster cluster;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "fake-apiserver");
    thread.setDaemon(true);
    return thread;
  });
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "fake-apiserver-events");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicLong resourceVersion = new AtomicLong(10_000_000);
  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> bytes = new ConcurrentHashMap<>();
  private final Map<Resource, List<BlockingQueue<String>>> watches = new ConcurrentHashMap<>();
  private final Map<String, String> deleted = new ConcurrentHashMap<>(); // "resource/index" of objects deleted by events
  private final Map<String, ObjectNode> leases = new ConcurrentHashMap<>();
  private final Map<String, ObjectNode> policyReports = new ConcurrentHashMap<>(); // metadata only
  private final int bookmarkSeconds;

  /**
   * @param eventsPerSecond MODIFIED events of random pods sent to the open pod watches, 0 for none
   * @param bookmarkSeconds time between two BOOKMARKs on a watch that allows them
   */
  public FakeApiServer(FakeCluster cluster, int port, double eventsPerSecond, int bookmarkSeconds) throws IOException {
    this.cluster = cluster;
    this.bookmarkSeconds = bookmarkSeconds;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
    server.setExecutor(threads);
    server.createContext("/", exchange -> {
      try {
        handle(exchange);
      } catch (IOException | RuntimeException e) {
        count("error", e.getClass().getSimpleName());
      } finally {
        exchange.close();
      }
    });
    server.start();
    if (eventsPerSecond > 0) {
      long period = Math.max(1, (long) (1_000_000 / eventsPerSecond));
      ticker.scheduleAtFixedRate(() -> {
        if (cluster.count(Resource.PODS) > 0) {
          emit("MODIFIED", Resource.PODS, ThreadLocalRandom.current().nextInt(cluster.count(Resource.PODS)));
        }
      }, period, period, TimeUnit.MICROSECONDS);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Sends one event about object {@code index} to every open watch of the resource; DELETED hides it from later lists, ADDED brings it back. */
  public void emit(String type, Resource resource, int index) {
    String rv = Long.toString(resourceVersion.incrementAndGet());
    String key = resource.plural + "/" + index;
    if ("DELETED".equals(type)) {
      deleted.put(key, rv);
    } else {
      deleted.remove(key);
    }
    StringBuilder event = new StringBuilder("{\"type\":\"").append(type).append("\",\"object\":");
    cluster.render(resource, index, rv, event);
    event.append("}\n");
    count("event " + type, resource.plural);
    for (BlockingQueue<String> watch : watches.getOrDefault(resource, List.of())) {
      watch.offer(event.toString());
    }
  }

  /** Requests so far, "verb resource" → count, sorted. */
  public Map<String, Long> counts() {
    Map<String, Long> counts = new TreeMap<>();
    requests.forEach((key, value) -> counts.put(key, value.sum()));
    return counts;
  }

  /** Bytes sent (lists, watches) or received (writes) so far, "verb resource" → bytes, sorted. */
  public Map<String, Long> bytes() {
    Map<String, Long> sums = new TreeMap<>();
    bytes.forEach((key, value) -> sums.put(key, value.sum()));
    return sums;
  }

  public int openWatches() {
    return watches.values().stream().mapToInt(List::size).sum();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    server.stop(0);
    threads.shutdownNow();
  }

  // ---- dispatch --------------------------------------------------------------------------------

  /** A parsed request path: group ("" for the core group), version, namespace, resource, name, subresource. */
  private record Path(String group, String version, String namespace, String plural, String name) {
    static Path parse(String path) {
      String[] parts = path.replaceAll("^/+|/+$", "").split("/");
      int at;
      String group;
      String version;
      if (parts.length >= 2 && parts[0].equals("api")) {
        group = "";
        version = parts[1];
        at = 2;
      } else if (parts.length >= 3 && parts[0].equals("apis")) {
        group = parts[1];
        version = parts[2];
        at = 3;
      } else {
        return null;
      }
      int left = parts.length - at;
      if (left == 0) {
        return new Path(group, version, null, null, null); // discovery
      }
      if (parts[at].equals("namespaces") && left >= 3) {
        return new Path(group, version, parts[at + 1], parts[at + 2], left >= 4 ? parts[at + 3] : null);
      }
      return new Path(group, version, null, parts[at], left >= 2 ? parts[at + 1] : null);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String rawPath = exchange.getRequestURI().getPath();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    if (rawPath.startsWith("/_bench/")) {
      bench(exchange, rawPath, query);
      return;
    }
    Path path = Path.parse(rawPath);
    if (path == null) {
      count(method.toLowerCase(), rawPath);
      if (rawPath.equals("/version")) {
        json(exchange, 200, "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0\",\"platform\":\"linux/amd64\"}");
      } else {
        status(exchange, 404, "NotFound", "the server could not find the requested resource");
      }
      return;
    }
    if (path.plural() == null) {
      count("discovery", path.group() + "/" + path.version());
      discovery(exchange, path);
      return;
    }
    String verb = switch (method) {
      case "GET" -> path.name() != null ? "get" : isWatch(query) ? "watch" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> method.toLowerCase();
    };
    String what = path.plural() + (path.namespace() != null && ("list".equals(verb) || "watch".equals(verb)) ? " (one namespace)" : "");
    if ("watch".equals(verb) && "websocket".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Upgrade"))) {
      count("watch-websocket-refused", what);
      // 200, not 101: fabric8 then watches over HTTP at once (503 would make it retry the handshake ~10 times first)
      status(exchange, 200, "BadRequest", "WebSocket watches are not served here; watch over HTTP");
      return;
    }
    count(verb, what);
    if (path.group().equals("coordination.k8s.io") && path.plural().equals("leases")) {
      lease(exchange, verb, path);
      return;
    }
    if (path.group().equals("wgpolicyk8s.io") && path.plural().equals("policyreports")) {
      policyReport(exchange, verb, path, query);
      return;
    }
    Resource resource = Resource.of(path.group(), path.plural());
    if (resource == null || !resource.version.equals(path.version())) {
      status(exchange, 404, "NotFound", "the server could not find the requested resource");
      return;
    }
    switch (verb) {
      case "list" -> list(exchange, resource, path.namespace(), query);
      case "watch" -> watch(exchange, resource, query);
      case "get" -> get(exchange, resource, path);
      default -> status(exchange, 405, "MethodNotAllowed", verb + " is not served for " + resource.plural + " by this benchmark server");
    }
  }

  private static boolean isWatch(Map<String, String> query) {
    String watch = query.get("watch");
    return "true".equals(watch) || "1".equals(watch);
  }

  // ---- list, get, watch of generated objects --------------------------------------------------

  private void list(HttpExchange exchange, Resource resource, String namespace, Map<String, String> query) throws IOException {
    int total = cluster.count(resource);
    int start = 0;
    String token = query.get("continue");
    if (token != null && !token.isEmpty()) {
      start = Integer.parseInt(new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8));
    }
    int limit = query.containsKey("limit") ? Integer.parseInt(query.get("limit")) : Integer.MAX_VALUE;
    if (limit <= 0) {
      limit = Integer.MAX_VALUE;
    }
    Map<String, String> selector = labelSelector(query.get("labelSelector"));
    String rv = Long.toString(resourceVersion.get());
    // first where this page ends (cheap: no object is rendered), then the page itself, streamed
    int end = start;
    for (int served = 0; end < total && served < limit; end++) {
      if (kept(resource, end, namespace, selector)) {
        served++;
      }
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    CountingWriter out = new CountingWriter(exchange.getResponseBody());
    out.write("{\"kind\":\"" + resource.kind + "List\",\"apiVersion\":\"" + resource.apiVersion() + "\",\"metadata\":{\"resourceVersion\":\""
        + rv + "\"");
    if (end < total) {
      out.write(",\"continue\":\"" + Base64.getEncoder().encodeToString(Integer.toString(end).getBytes(StandardCharsets.UTF_8))
          + "\",\"remainingItemCount\":" + (total - end));
    }
    out.write("},\"items\":[");
    StringBuilder item = new StringBuilder(16_384);
    boolean first = true;
    for (int index = start; index < end; index++) {
      if (!kept(resource, index, namespace, selector)) {
        continue;
      }
      item.setLength(0);
      if (!first) {
        item.append(',');
      }
      cluster.render(resource, index, objectVersion(index), item);
      out.write(item);
      first = false;
    }
    out.write("]}");
    out.flush();
    add("list", resource.plural, out.written);
  }

  private boolean kept(Resource resource, int index, String namespace, Map<String, String> selector) {
    return !deleted.containsKey(resource.plural + "/" + index)
        && (namespace == null || namespace.equals(cluster.namespaceOf(resource, index)))
        && (resource != Resource.NAMESPACES || selects(selector, cluster.namespaceLabels(index)));
  }

  /** Objects keep the resourceVersion they were "created" with, below every list's. */
  private static String objectVersion(int index) {
    return Integer.toString(1_000 + index);
  }

  private void get(HttpExchange exchange, Resource resource, Path path) throws IOException {
    int total = cluster.count(resource);
    // a linear search by name: gets of generated objects are rare (the audit and informers list)
    for (int index = 0; index < total; index++) {
      if (path.name().equals(cluster.nameOf(resource, index))
          && (path.namespace() == null || path.namespace().equals(cluster.namespaceOf(resource, index)))
          && !deleted.containsKey(resource.plural + "/" + index)) {
        StringBuilder object = new StringBuilder();
        cluster.render(resource, index, objectVersion(index), object);
        json(exchange, 200, object.toString());
        return;
      }
    }
    status(exchange, 404, "NotFound", resource.plural + " \"" + path.name() + "\" not found");
  }

  private void watch(HttpExchange exchange, Resource resource, Map<String, String> query) throws IOException {
    long timeout = query.containsKey("timeoutSeconds") ? Long.parseLong(query.get("timeoutSeconds")) : 1800;
    boolean bookmarks = "true".equals(query.get("allowWatchBookmarks"));
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    List<BlockingQueue<String>> open = watches.computeIfAbsent(resource, r -> new CopyOnWriteArrayList<>());
    open.add(events);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    CountingWriter out = new CountingWriter(exchange.getResponseBody());
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
    long nextBookmark = System.nanoTime() + TimeUnit.SECONDS.toNanos(bookmarkSeconds);
    try {
      out.flush();
      while (System.nanoTime() < end) {
        long wait = Math.min(end, bookmarks ? nextBookmark : end) - System.nanoTime();
        String event = events.poll(Math.max(1, wait), TimeUnit.NANOSECONDS);
        if (event != null) {
          out.write(event);
        } else if (bookmarks && System.nanoTime() >= nextBookmark) {
          out.write("{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"" + resource.kind + "\",\"apiVersion\":\"" + resource.apiVersion()
              + "\",\"metadata\":{\"resourceVersion\":\"" + resourceVersion.get() + "\"}}}\n");
          count("bookmark", resource.plural);
          nextBookmark = System.nanoTime() + TimeUnit.SECONDS.toNanos(bookmarkSeconds);
        }
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away
    } finally {
      open.remove(events);
      add("watch", resource.plural, out.written);
    }
  }

  private static Map<String, String> labelSelector(String selector) {
    Map<String, String> terms = new HashMap<>(); // key → "=value", "!value" or "" (exists)
    if (selector == null || selector.isBlank()) {
      return terms;
    }
    for (String term : selector.split(",")) {
      if (term.contains("!=")) {
        terms.put(term.substring(0, term.indexOf("!=")), "!" + term.substring(term.indexOf("!=") + 2));
      } else if (term.contains("=")) {
        String[] kv = term.split("==?", 2);
        terms.put(kv[0], "=" + kv[1]);
      } else {
        terms.put(term.trim(), "");
      }
    }
    return terms;
  }

  private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    for (Map.Entry<String, String> term : selector.entrySet()) {
      String value = labels.get(term.getKey());
      String wanted = term.getValue();
      boolean ok = wanted.isEmpty() ? value != null
          : wanted.startsWith("=") ? wanted.substring(1).equals(value)
          : !wanted.substring(1).equals(value);
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  // ---- leases and policy reports (stored) ------------------------------------------------------

  private void lease(HttpExchange exchange, String verb, Path path) throws IOException {
    String key = path.namespace() + "/" + path.name();
    switch (verb) {
      case "get" -> {
        ObjectNode lease = leases.get(key);
        if (lease == null) {
          status(exchange, 404, "NotFound", "leases.coordination.k8s.io \"" + path.name() + "\" not found");
        } else {
          json(exchange, 200, lease.toString());
        }
      }
      case "create", "update", "patch" -> {
        ObjectNode lease = (ObjectNode) JSON.readTree(exchange.getRequestBody());
        if ("patch".equals(verb)) {
          lease = patched(leases.get(key), exchange.getRequestHeaders().getFirst("Content-Type"), lease, JSON.readTree("{}"));
          if (lease == null) {
            status(exchange, 404, "NotFound", "leases.coordination.k8s.io \"" + path.name() + "\" not found");
            return;
          }
        }
        ObjectNode meta = lease.withObject("/metadata");
        String name = meta.path("name").asText();
        key = path.namespace() + "/" + name;
        synchronized (leases) {
          ObjectNode current = leases.get(key);
          if ("create".equals(verb) && current != null) {
            status(exchange, 409, "AlreadyExists", "leases.coordination.k8s.io \"" + name + "\" already exists");
            return;
          }
          if (!"create".equals(verb) && (current == null
              || !current.path("metadata").path("resourceVersion").asText().equals(meta.path("resourceVersion").asText()))) {
            status(exchange, 409, "Conflict", "Operation cannot be fulfilled on leases.coordination.k8s.io \"" + name
                + "\": the object has been modified; please apply your changes to the latest version and try again");
            return;
          }
          meta.put("namespace", path.namespace()).put("resourceVersion", Long.toString(resourceVersion.incrementAndGet()));
          meta.put("uid", current == null ? java.util.UUID.randomUUID().toString() : current.path("metadata").path("uid").asText());
          meta.put("creationTimestamp", current == null ? java.time.Instant.now().toString()
              : current.path("metadata").path("creationTimestamp").asText());
          leases.put(key, lease);
        }
        json(exchange, "create".equals(verb) ? 201 : 200, lease.toString());
      }
      default -> status(exchange, 405, "MethodNotAllowed", verb + " on leases is not served by this benchmark server");
    }
  }

  /** The current object with a JSON patch, or a merge patch (also for strategic merge: leases have no lists to merge). */
  private static ObjectNode patched(ObjectNode current, String contentType, com.fasterxml.jackson.databind.JsonNode patch,
      com.fasterxml.jackson.databind.JsonNode unused) {
    if (current == null) {
      return null;
    }
    if (contentType != null && contentType.contains("json-patch")) {
      return (ObjectNode) io.fabric8.zjsonpatch.JsonPatch.apply(patch, current);
    }
    ObjectNode merged = current.deepCopy();
    merge(merged, patch);
    if (!patch.path("metadata").has("resourceVersion")) {
      merged.withObject("/metadata").put("resourceVersion", current.path("metadata").path("resourceVersion").asText());
    }
    return merged;
  }

  private static void merge(ObjectNode target, com.fasterxml.jackson.databind.JsonNode patch) {
    patch.fields().forEachRemaining(field -> {
      if (field.getValue().isNull()) {
        target.remove(field.getKey());
      } else if (field.getValue().isObject() && target.get(field.getKey()) instanceof ObjectNode child) {
        merge(child, field.getValue());
      } else {
        target.set(field.getKey(), field.getValue());
      }
    });
  }

  private void policyReport(HttpExchange exchange, String verb, Path path, Map<String, String> query) throws IOException {
    String key = path.namespace() + "/" + path.name();
    switch (verb) {
      case "list" -> {
        StringBuilder list = new StringBuilder("{\"kind\":\"PolicyReportList\",\"apiVersion\":\"wgpolicyk8s.io/v1alpha2\",\"metadata\":"
            + "{\"resourceVersion\":\"" + resourceVersion.get() + "\"},\"items\":[");
        boolean first = true;
        for (ObjectNode report : policyReports.values()) {
          if (path.namespace() == null || path.namespace().equals(report.path("metadata").path("namespace").asText())) {
            list.append(first ? "" : ",").append(report);
            first = false;
          }
        }
        json(exchange, 200, list.append("]}").toString());
      }
      case "get" -> {
        ObjectNode report = policyReports.get(key);
        if (report == null) {
          status(exchange, 404, "NotFound", "policyreports.wgpolicyk8s.io \"" + path.name() + "\" not found");
        } else {
          json(exchange, 200, report.toString());
        }
      }
      case "create", "update" -> {
        byte[] body = exchange.getRequestBody().readAllBytes();
        add(verb, "policyreports", body.length);
        ObjectNode report = (ObjectNode) JSON.readTree(body);
        ObjectNode meta = report.withObject("/metadata");
        key = path.namespace() + "/" + meta.path("name").asText();
        synchronized (policyReports) {
          ObjectNode current = policyReports.get(key);
          if ("create".equals(verb) && current != null) {
            status(exchange, 409, "AlreadyExists", "policyreports.wgpolicyk8s.io \"" + meta.path("name").asText() + "\" already exists");
            return;
          }
          if ("update".equals(verb) && (current == null
              || !current.path("metadata").path("resourceVersion").asText().equals(meta.path("resourceVersion").asText()))) {
            status(exchange, 409, "Conflict", "Operation cannot be fulfilled on policyreports.wgpolicyk8s.io: the object has been modified");
            return;
          }
          meta.put("namespace", path.namespace()).put("resourceVersion", Long.toString(resourceVersion.incrementAndGet()));
          meta.put("uid", current == null ? java.util.UUID.randomUUID().toString() : current.path("metadata").path("uid").asText());
          meta.put("creationTimestamp", current == null ? java.time.Instant.now().toString()
              : current.path("metadata").path("creationTimestamp").asText());
          ObjectNode kept = JSON.createObjectNode();
          kept.put("apiVersion", "wgpolicyk8s.io/v1alpha2").put("kind", "PolicyReport").set("metadata", meta.deepCopy());
          policyReports.put(key, kept);
        }
        json(exchange, "create".equals(verb) ? 201 : 200, report.toString());
      }
      case "delete" -> {
        if (policyReports.remove(key) == null) {
          status(exchange, 404, "NotFound", "policyreports.wgpolicyk8s.io \"" + path.name() + "\" not found");
        } else {
          status(exchange, 200, "Success", "deleted");
        }
      }
      default -> status(exchange, 405, "MethodNotAllowed", verb + " on policyreports is not served by this benchmark server");
    }
  }

  private void discovery(HttpExchange exchange, Path path) throws IOException {
    String groupVersion = path.group().isEmpty() ? path.version() : path.group() + "/" + path.version();
    List<Map<String, Object>> resources = new ArrayList<>();
    if (groupVersion.equals("wgpolicyk8s.io/v1alpha2")) {
      resources.add(apiResource("policyreports", "PolicyReport", true));
      resources.add(apiResource("clusterpolicyreports", "ClusterPolicyReport", false));
    } else if (groupVersion.equals("coordination.k8s.io/v1")) {
      resources.add(apiResource("leases", "Lease", true));
    } else {
      for (Resource r : Resource.values()) {
        if (r.apiVersion().equals(groupVersion)) {
          resources.add(apiResource(r.plural, r.kind, r != Resource.NAMESPACES));
        }
      }
    }
    if (resources.isEmpty()) {
      status(exchange, 404, "NotFound", "the server could not find the requested resource");
      return;
    }
    Map<String, Object> list = new java.util.LinkedHashMap<>();
    list.put("kind", "APIResourceList");
    list.put("apiVersion", "v1");
    list.put("groupVersion", groupVersion);
    list.put("resources", resources);
    json(exchange, 200, JSON.writeValueAsString(list));
  }

  private static Map<String, Object> apiResource(String plural, String kind, boolean namespaced) {
    Map<String, Object> r = new java.util.LinkedHashMap<>();
    r.put("name", plural);
    r.put("singularName", kind.toLowerCase());
    r.put("namespaced", namespaced);
    r.put("kind", kind);
    r.put("verbs", DEFAULT_VERBS.stream().sorted().toList());
    return r;
  }

  // ---- the benchmark's own endpoints ----------------------------------------------------------

  private void bench(HttpExchange exchange, String path, Map<String, String> query) throws IOException {
    switch (path) {
      case "/_bench/counts" -> {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("requests", counts());
        body.put("bytes", bytes());
        body.put("openWatches", openWatches());
        body.put("policyReports", policyReports.size());
        body.put("resourceVersion", resourceVersion.get());
        json(exchange, 200, JSON.writeValueAsString(body));
      }
      case "/_bench/event" -> {
        Resource resource = Resource.of(query.getOrDefault("group", ""), query.getOrDefault("resource", "pods"));
        if (resource == null) {
          status(exchange, 404, "NotFound", "no such resource");
          return;
        }
        emit(query.getOrDefault("type", "MODIFIED"), resource, Integer.parseInt(query.getOrDefault("index", "0")));
        json(exchange, 200, "{}");
      }
      default -> status(exchange, 404, "NotFound", path);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private void count(String verb, String resource) {
    requests.computeIfAbsent(verb + " " + resource, k -> new LongAdder()).increment();
  }

  private void add(String verb, String resource, long n) {
    bytes.computeIfAbsent(verb + " " + resource, k -> new LongAdder()).add(n);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new HashMap<>();
    if (raw == null) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      query.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return query;
  }

  private static void json(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static void status(HttpExchange exchange, int code, String reason, String message) throws IOException {
    Map<String, Object> status = new java.util.LinkedHashMap<>();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.put("metadata", Map.of());
    status.put("status", code < 400 ? "Success" : "Failure");
    status.put("message", message);
    status.put("reason", reason);
    status.put("code", code);
    json(exchange, code, JSON.writeValueAsString(status));
  }

  /** A UTF-8 writer that counts the bytes it has written. */
  private static final class CountingWriter {
    private final OutputStream out;
    private final Writer writer;
    long written; // not "count": BufferedOutputStream has a field of that name

    CountingWriter(OutputStream out) {
      this.out = new java.io.BufferedOutputStream(out, 65_536) {
        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
          written += len;
          super.write(b, off, len);
        }

        @Override
        public synchronized void write(int b) throws IOException {
          written++;
          super.write(b);
        }
      };
      this.writer = new OutputStreamWriter(this.out, StandardCharsets.UTF_8);
    }

    void write(CharSequence text) throws IOException {
      writer.append(text);
    }

    void flush() throws IOException {
      writer.flush();
    }
  }

  /**
   * Runs the server alone: {@code PODS CONTROLLERS NAMESPACES IMAGES PORT EVENTS_PER_SECOND
   * BOOKMARK_SECONDS} from the environment; prints {@code READY url}, then the request counts when
   * standard input closes.
   */
  public static void main(String[] args) throws Exception {
    FakeCluster cluster = new FakeCluster(FakeCluster.Size.fromEnv());
    try (FakeApiServer server = new FakeApiServer(cluster, Integer.parseInt(envOr("PORT", "0")),
        Double.parseDouble(envOr("EVENTS_PER_SECOND", "0")), Integer.parseInt(envOr("BOOKMARK_SECONDS", "60")))) {
      System.out.println("READY " + server.url());
      System.out.flush();
      while (System.in.read() >= 0) {
        // until standard input closes
      }
      System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(server.counts()));
    }
  }

  static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }
}
