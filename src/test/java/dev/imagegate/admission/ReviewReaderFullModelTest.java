package dev.imagegate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming reader keeps every field the admission path uses: what it and its fallback (the
 * data-bound typed read) make of a real apiserver review (containers to judge, pull context,
 * mirror-pod check, Event target) is exactly what the full fabric8 read makes of it, for every
 * workload kind.
 */
class ReviewReaderFullModelTest {
  private final ObjectMapper mapper = new ObjectMapper();
  private final AdmissionReviews reviews = new AdmissionReviews(mapper);
  private final ReviewReader streaming = new ReviewReader(mapper.getFactory());

  @ParameterizedTest
  @ValueSource(strings = {"reviews/pod-3-containers.json", "reviews/deployment-init.json", "reviews/pod-create.json"})
  void realApiserverReviewsJudgeTheSameAsTheFullModel(String resource) throws Exception {
    byte[] body = resource(resource);
    sameAsFullRead(body);
  }

  @ParameterizedTest
  @EnumSource(WorkloadKind.class)
  void everyWorkloadKindJudgesTheSameAsTheFullModel(WorkloadKind kind) throws Exception {
    JsonNode pod = mapper.readTree(resource("reviews/pod-3-containers.json")).path("request").path("object");
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
    ObjectNode root = (ObjectNode) mapper.readTree(resource("reviews/pod-3-containers.json"));
    ObjectNode spec = (ObjectNode) root.path("request").path("object").path("spec");
    withPlacement(spec);
    byte[] body = mapper.writeValueAsBytes(root);
    sameAsFullRead(body);
    var containers = PodContainers.of(((Pod) streaming.read(body).getRequest().getObject()).getSpec());
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
    ObjectNode root = (ObjectNode) mapper.readTree(resource("reviews/pod-3-containers.json"));
    ObjectNode annotations = (ObjectNode) root.path("request").path("object").path("metadata").path("annotations");
    annotations.put(AdmissionHandler.MIRROR_POD_ANNOTATION, "c0ffee").put("kubectl.kubernetes.io/last-applied-configuration", "{}")
        .set("odd", mapper.createObjectNode().put("not", "a string"));
    byte[] body = mapper.writeValueAsBytes(root);
    Pod pod = (Pod) streaming.read(body).getRequest().getObject();
    assertThat(pod.getMetadata().getAnnotations()).containsExactly(Map.entry(AdmissionHandler.MIRROR_POD_ANNOTATION, "c0ffee"));
  }

  @Test
  void whatNoRuleReadsIsNotBuilt() throws Exception {
    Pod pod = (Pod) streaming.read(resource("reviews/pod-3-containers.json")).getRequest().getObject();
    assertThat(pod.getMetadata().getManagedFields()).isEmpty();
    assertThat(pod.getSpec().getVolumes()).isEmpty();
    assertThat(pod.getSpec().getTolerations()).isEmpty();
    assertThat(pod.getSpec().getContainers().get(0).getResources()).isNull();
    assertThat(pod.getSpec().getContainers().get(0).getReadinessProbe().getHttpGet()).isNull();
    assertThat(pod.getStatus()).isNull();
    assertThat(pod.getSpec().getContainers()).allSatisfy(c -> assertThat(c.getAdditionalProperties()).isEmpty());
  }

  private void sameAsFullRead(byte[] body) throws Exception {
    AdmissionReview fast = streaming.read(body);
    assertThat(fast).as("the apiserver's shape is read by the streaming reader").isNotNull();
    sameAsFullRead(body, fast);
    sameAsFullRead(body, reviews.typed(body));
  }

  private void sameAsFullRead(byte[] body, AdmissionReview lean) throws Exception {
    AdmissionReview full = mapper.readValue(body, AdmissionReview.class);
    var fullRequest = full.getRequest();
    var leanRequest = lean.getRequest();
    assertThat(leanRequest.getUid()).isEqualTo(fullRequest.getUid());
    assertThat(leanRequest.getOperation()).isEqualTo(fullRequest.getOperation());
    assertThat(leanRequest.getNamespace()).isEqualTo(fullRequest.getNamespace());
    assertThat(leanRequest.getName()).isEqualTo(fullRequest.getName());
    assertThat(leanRequest.getDryRun()).isEqualTo(fullRequest.getDryRun());
    assertThat(leanRequest.getKind()).isEqualTo(fullRequest.getKind());
    WorkloadKind kind = WorkloadKind.of(fullRequest.getKind()).orElseThrow();
    HasMetadata fullObject = mapper.convertValue(fullRequest.getObject(), kind.type());
    HasMetadata leanObject = (HasMetadata) leanRequest.getObject();
    PodSpec fullSpec = kind.podSpec(fullObject);
    PodSpec leanSpec = kind.podSpec(leanObject);
    assertThat(PodContainers.of(fullSpec)).isNotEmpty();
    assertThat(PodContainers.of(leanSpec)).isEqualTo(PodContainers.of(fullSpec));
    assertThat(PodContainers.pullContext("ns", leanSpec)).isEqualTo(PodContainers.pullContext("ns", fullSpec));
    var fullMeta = fullObject.getMetadata();
    var leanMeta = leanObject.getMetadata();
    assertThat(leanMeta.getName()).isEqualTo(fullMeta.getName());
    assertThat(leanMeta.getGenerateName()).isEqualTo(fullMeta.getGenerateName());
    assertThat(leanMeta.getNamespace()).isEqualTo(fullMeta.getNamespace());
    assertThat(leanMeta.getUid()).isEqualTo(fullMeta.getUid());
    assertThat(leanMeta.getOwnerReferences()).isEqualTo(fullMeta.getOwnerReferences());
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
    return kind.type().getSimpleName();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ReviewReaderFullModelTest.class.getClassLoader().getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }
}
