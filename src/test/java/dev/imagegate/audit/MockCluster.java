package dev.imagegate.audit;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * A Kubernetes API for tests: fabric8's mock server in CRUD mode (objects are stored, listed,
 * watched), with or without the PolicyReport (and OpenReports Report) CRDs. Every request is recorded with its User-Agent,
 * so a test can tell which of several clients wrote what.
 */
public final class MockCluster implements AutoCloseable {
  private final KubernetesMockServer server;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final List<RecordedRequest> seen = new ArrayList<>();

  private MockCluster(boolean policyReportCrd, boolean openReportsCrd) {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    if (policyReportCrd) {
      // API discovery as a real apiserver answers it once the wgpolicyk8s.io CRDs are installed
      server.expect().get().withPath("/apis/wgpolicyk8s.io/v1alpha2").andReturn(200, new APIResourceListBuilder()
          .withGroupVersion("wgpolicyk8s.io/v1alpha2")
          .addToResources(new APIResourceBuilder().withName("policyreports").withKind("PolicyReport").withNamespaced(true)
              .withVerbs("create", "delete", "get", "list", "patch", "update", "watch").build())
          .addToResources(new APIResourceBuilder().withName("clusterpolicyreports").withKind("ClusterPolicyReport")
              .withNamespaced(false).withVerbs("create", "delete", "get", "list", "patch", "update", "watch").build())
          .build()).always();
    }
    if (openReportsCrd) {
      // ... and once the openreports.io Report CRD is installed
      server.expect().get().withPath("/apis/openreports.io/v1alpha1").andReturn(200, new APIResourceListBuilder()
          .withGroupVersion("openreports.io/v1alpha1")
          .addToResources(new APIResourceBuilder().withName("reports").withKind("Report").withNamespaced(true)
              .withVerbs("create", "delete", "get", "list", "patch", "update", "watch").build())
          .build()).always();
    }
    // without them the CRUD server answers discovery with no resources: the CRD is missing
  }

  /** With the wgpolicyk8s.io/v1alpha2 PolicyReport CRD installed. */
  public static MockCluster withPolicyReports() {
    return new MockCluster(true, false);
  }

  /** With the wgpolicyk8s.io/v1alpha2 PolicyReport and the openreports.io/v1alpha1 Report CRDs installed. */
  public static MockCluster withPolicyReportsAndOpenReports() {
    return new MockCluster(true, true);
  }

  /** With the openreports.io/v1alpha1 Report CRD alone. */
  public static MockCluster withOpenReportsOnly() {
    return new MockCluster(false, true);
  }

  /** Without the PolicyReport CRD. */
  public static MockCluster withoutPolicyReports() {
    return new MockCluster(false, false);
  }

  /** Answers GET {@code path} (with its query) with 403, as an apiserver whose RBAC refuses it. */
  public void forbid(String path) {
    server.expect().get().withPath(path).andReturn(403, new io.fabric8.kubernetes.api.model.StatusBuilder()
        .withStatus("Failure").withReason("Forbidden").withCode(403).withMessage("forbidden by the test").build()).always();
  }

  /** A client whose requests carry this User-Agent. */
  public synchronized KubernetesClient client(String userAgent) {
    KubernetesClient client = server.createClient(b -> b.editOrNewConfig().withUserAgent(userAgent).endConfig());
    clients.add(client);
    return client;
  }

  public KubernetesClient client() {
    return client("test");
  }

  public void namespace(String name, Map<String, String> labels) {
    client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build())
        .create();
  }

  /** Every request the server received so far, oldest first. */
  public synchronized List<RecordedRequest> requests() throws InterruptedException {
    RecordedRequest request;
    while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      seen.add(request);
    }
    return List.copyOf(seen);
  }

  /** Requests that change objects under {@code pathPart}, as "METHOD path UA". */
  public List<String> writes(String pathPart) throws InterruptedException {
    return requests().stream()
        .filter(r -> !"GET".equals(r.getMethod()) && r.getPath().contains(pathPart))
        .map(r -> r.getMethod() + " " + r.getPath() + " " + r.getHeader("User-Agent"))
        .toList();
  }

  @Override
  public synchronized void close() {
    clients.forEach(KubernetesClient::close);
    server.destroy();
  }
}
