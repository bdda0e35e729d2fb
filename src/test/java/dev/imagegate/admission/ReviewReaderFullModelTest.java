package dev.imagegate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagegate.workload.Workload;
import dev.imagegate.workload.WorkloadKind;
import dev.imagegate.workload.Workloads;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming reader keeps every field imagegate reads: the request and the {@link Workload} it
 * and its fallback (fabric8's data binder) make of a real apiserver review (containers to judge,
 * pull context, labels, mirror-pod check, Event target) are exactly what fabric8's full model gives,
 * for every workload kind.
 */
class ReviewReaderFullModelTest {
  private final ObjectMapper mapper = new ObjectMapper();
  private final AdmissionReviews reviews = new AdmissionReviews(mapper);
  private final ReviewReader streaming = new ReviewReader(mapper.getFactory());

  @ParameterizedTest
  @ValueSource(strings = {"warmup/pod-3-containers.json", "warmup/deployment-init.json", "reviews/pod-create.json"})
  void realApiserverReviewsJudgeTheSameAsTheFullModel(String resource) throws Exception {
    byte[] body = resource(resource);
    sameAsFullRead(body);
  }

  @ParameterizedTest
  @EnumSource(WorkloadKind.class)
  void everyWorkloadKindJudgesTheSameAsTheFullModel(WorkloadKind kind) throws Exception {
    JsonNode pod = mapper.readTree(resource("warmup/pod-3-containers.json")).path("request").path("object");
    ObjectNode spec = ((ObjectNode) pod.path("spec").deepCopy());
    // Every kind of container and every field the rules read
    spec.putArray("initContainers").addObject().put("name", "sidecar").put("image", "envoyproxy/envoy:v1.32")
        .put("restartPolicy", "Always").set("startupProbe", mapper.createObjectNode().set("exec", mapper.createObjectNode()));
    spec.putArray("ephemeralContainers").addObject().put("name", "debug").put("image", "busybox")
        .set("securityContext", mapper.createObjectNode().put("runAsUser", 0).put("runAsNonRoot", false)
            .set("windowsOptions", mapper.createObjectNode().put("runAsUserName", "ContainerUser").put("gmsaCredentialSpecName", "x")));
    withPlacement(spec);
    ObjectNode object = wrap(kind, (ObjectNode) pod.path("metadata").deepCopy(), spec);
    sameAsFullRead(review(kind, object));
  }

  @Test
  void placementUserNamespacesAndWindowsUsersAreReadAsTheFullModelReadsThem() throws Exception {
    ObjectNode root = (ObjectNode) mapper.readTree(resource("warmup/pod-3-containers.json"));
    ObjectNode spec = (ObjectNode) root.path("request").path("object").path("spec");
    withPlacement(spec);
    byte[] body = mapper.writeValueAsBytes(root);
    sameAsFullRead(body);
    var containers = streaming.read(body).object().containers();
    assertThat(containers).allSatisfy(c -> {
      assertThat(c.hostUsers()).isFalse();
      assertThat(c.platforms().constrained()).isTrue();
      assertThat(c.platforms().allows("windows", "amd64")).isTrue();
      assertThat(c.platforms().allows("linux", "amd64")).isFalse();
    });
    assertThat(containers).extracting(c -> c.windowsUserName()).contains("ContainerAdministrator");
  }

  /** Every field of where the pod runs and as whom on Windows, with fields beside them that are skipped. */
  private void withPlacement(ObjectNode spec) {
    spec.put("hostUsers", false);
    spec.set("os", mapper.createObjectNode().put("name", "windows"));
    spec.set("nodeSelector", mapper.createObjectNode().put("kubernetes.io/arch", "amd64").put("pool", "win"));
    ObjectNode required = mapper.createObjectNode();
    var terms = required.putArray("nodeSelectorTerms");
    ObjectNode first = terms.addObject();
    first.putArray("matchExpressions").addObject().put("key", "kubernetes.io/os").put("operator", "In").putArray("values").add("windows");
    first.putArray("matchFields").addObject().put("key", "metadata.name").put("operator", "In").putArray("values").add("node-1");
    ObjectNode second = terms.addObject();
    var expressions = second.putArray("matchExpressions");
    expressions.addObject().put("key", "beta.kubernetes.io/arch").put("operator", "NotIn").putArray("values").add("arm64");
    expressions.addObject().put("key", "kubernetes.io/os").put("operator", "Exists");
    ObjectNode nodeAffinity = mapper.createObjectNode();
    nodeAffinity.set("requiredDuringSchedulingIgnoredDuringExecution", required);
    nodeAffinity.putArray("preferredDuringSchedulingIgnoredDuringExecution").addObject().put("weight", 1)
        .set("preference", mapper.createObjectNode().set("matchExpressions", mapper.createArrayNode()));
    ObjectNode affinity = mapper.createObjectNode();
    affinity.set("nodeAffinity", nodeAffinity);
    affinity.set("podAntiAffinity", mapper.createObjectNode());
    spec.set("affinity", affinity);
    ObjectNode podSecurity = spec.has("securityContext") ? (ObjectNode) spec.get("securityContext") : spec.putObject("securityContext");
    podSecurity.set("windowsOptions", mapper.createObjectNode().put("runAsUserName", "ContainerAdministrator").put("hostProcess", false));
  }

  @Test
  void mirrorPodAnnotationIsKeptAndOthersAreSkipped() throws Exception {
    ObjectNode root = (ObjectNode) mapper.readTree(resource("warmup/pod-3-containers.json"));
    ObjectNode annotations = (ObjectNode) root.path("request").path("object").path("metadata").path("annotations");
    annotations.put(Workload.MIRROR_POD_ANNOTATION, "c0ffee").put("kubectl.kubernetes.io/last-applied-configuration", "{}")
        .set("odd", mapper.createObjectNode().put("not", "a string"));
    byte[] body = mapper.writeValueAsBytes(root);
    Workload pod = streaming.read(body).object();
    assertThat(pod.annotations()).containsExactly(Map.entry(Workload.MIRROR_POD_ANNOTATION, "c0ffee"));
    assertThat(pod.isMirrorPod()).isTrue();
  }

  @Test
  void labelsAndTheControllerAreReadAsTheFullModelReadsThem() throws Exception {
    ObjectNode root = (ObjectNode) mapper.readTree(resource("warmup/pod-3-containers.json"));
    ObjectNode metadata = (ObjectNode) root.path("request").path("object").path("metadata");
    metadata.set("labels", mapper.createObjectNode().put("app", "web").put("tier", "front"));
    var owners = metadata.putArray("ownerReferences");
    owners.addObject().put("apiVersion", "v1").put("kind", "Node").put("name", "n1").put("uid", "n-uid");
    owners.addObject().put("apiVersion", "apps/v1").put("kind", "ReplicaSet").put("name", "web-5d4f8b").put("uid", "rs-uid")
        .put("controller", true).put("blockOwnerDeletion", true);
    byte[] body = mapper.writeValueAsBytes(root);
    sameAsFullRead(body);
    Workload pod = streaming.read(body).object();
    assertThat(pod.labels()).containsExactly(Map.entry("app", "web"), Map.entry("tier", "front"));
    assertThat(pod.controller()).isEqualTo(new Workload.Owner("apps/v1", "ReplicaSet", "web-5d4f8b", "rs-uid"));
  }

  private void sameAsFullRead(byte[] body) throws Exception {
    AdmissionCall fast = streaming.read(body);
    assertThat(fast).as("the apiserver's shape is read by the streaming reader").isNotNull();
    sameAsFullRead(body, fast);
    sameAsFullRead(body, reviews.fullModel(body));
  }

  /** The request and its workloads, record for record, as fabric8's full model of the review gives them. */
  private void sameAsFullRead(byte[] body, AdmissionCall lean) throws Exception {
    AdmissionRequest full = mapper.readValue(body, AdmissionReview.class).getRequest();
    assertThat(lean.uid()).isEqualTo(full.getUid());
    assertThat(lean.operation()).isEqualTo(full.getOperation());
    assertThat(lean.namespace()).isEqualTo(full.getNamespace());
    assertThat(lean.name()).isEqualTo(full.getName());
    assertThat(lean.dryRun()).isEqualTo(Boolean.TRUE.equals(full.getDryRun()));
    assertThat(lean.kind()).isEqualTo(new AdmissionCall.Kind(full.getKind().getGroup(), full.getKind().getVersion(), full.getKind().getKind()));
    WorkloadKind kind = WorkloadKind.of(full.getKind().getGroup(), full.getKind().getKind()).orElseThrow();
    Workload fullObject = Workloads.of(mapper.convertValue(full.getObject(), kind.type()));
    if (full.getNamespace() != null && !full.getNamespace().isEmpty()) {
      fullObject = fullObject.inNamespace(full.getNamespace());
    }
    assertThat(fullObject.containers()).isNotEmpty();
    assertThat(lean.object()).isEqualTo(fullObject);
  }

  /** {@code metadata} and a pod {@code spec} as an object of {@code kind}, where that kind keeps its pod spec. */
  private ObjectNode wrap(WorkloadKind kind, ObjectNode metadata, ObjectNode podSpec) {
    ObjectNode template = mapper.createObjectNode();
    template.set("metadata", mapper.createObjectNode().set("labels", mapper.createObjectNode().put("app", "web")));
    template.set("spec", podSpec);
    ObjectNode object = mapper.createObjectNode();
    object.set("metadata", metadata);
    switch (kind) {
      case POD -> object.set("spec", podSpec);
      case POD_TEMPLATE -> object.set("template", template);
      case REPLICATION_CONTROLLER -> object.set("spec", mapper.createObjectNode().put("replicas", 3)
          .<ObjectNode>set("selector", mapper.createObjectNode().put("app", "web")).set("template", template));
      case CRON_JOB -> object.set("spec", mapper.createObjectNode().put("schedule", "*/5 * * * *")
          .set("jobTemplate", mapper.createObjectNode().set("spec", mapper.createObjectNode().put("backoffLimit", 2).set("template", template))));
      default -> object.set("spec", mapper.createObjectNode().put("replicas", 3)
          .<ObjectNode>set("selector", mapper.createObjectNode().set("matchLabels", mapper.createObjectNode().put("app", "web")))
          .set("template", template));
    }
    object.set("status", mapper.createObjectNode().put("observedGeneration", 1));
    return object;
  }

  private byte[] review(WorkloadKind kind, ObjectNode object) throws IOException {
    GroupVersionKind gvk = switch (kind) {
      case POD, POD_TEMPLATE, REPLICATION_CONTROLLER -> new GroupVersionKind("", kindName(kind), "v1");
      case JOB, CRON_JOB -> new GroupVersionKind("batch", kindName(kind), "v1");
      default -> new GroupVersionKind("apps", kindName(kind), "v1");
    };
    ObjectNode request = mapper.createObjectNode().put("uid", "u-" + kind).put("operation", "CREATE").put("namespace", "shop");
    request.set("kind", mapper.valueToTree(gvk));
    request.set("object", object);
    ObjectNode review = mapper.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    review.set("request", request);
    return mapper.writeValueAsBytes(review);
  }

  private static String kindName(WorkloadKind kind) {
    return kind.kind();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ReviewReaderFullModelTest.class.getClassLoader().getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }
}
