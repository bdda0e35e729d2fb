package dev.imagegate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster of generated objects, for {@link FakeApiServer}: nothing is stored, every object is
 * rendered from its index when it is served, so 100,000 pods cost the harness no heap.
 *
 * <p>Shapes are the apiserver's, built from the apiserver-shaped reviews in
 * {@code src/test/resources/reviews} (defaults applied, managedFields, ownerReferences, kubectl's
 * last-applied annotation), with a status. The cluster:
 *
 * <ul>
 *   <li>{@code controllers}, by index modulo 20: 14 Deployments (each with its current ReplicaSet
 *       and one old one scaled to 0), 3 StatefulSets, 1 DaemonSet, 1 CronJob (with one finished
 *       Job), 1 Job; controller {@code c} in namespace {@code c % namespaces};
 *   <li>{@code pods}: pod {@code p} belongs to controller {@code p % controllers} (to its current
 *       ReplicaSet for a Deployment, to its finished Job, phase Succeeded, for a CronJob), except
 *       every 100th pod, which is a bare pod;
 *   <li>{@code images} distinct application images {@code bench/svc-K:1.0.T} (image {@code i}:
 *       repository {@code i % 100}, tag {@code i / 100}), controller {@code c} and its pods running
 *       image {@code c % images}; pods also run {@code acme/api:2.4.1} and {@code kong:3.8},
 *       controllers' templates the init containers {@code acme/shop-migrations:3.1.0} and
 *       {@code python:3.12};
 *   <li>{@code namespaces} namespaces {@code ns-0000…} labelled with their name and a team, every
 *       50th with {@code imagegate.dev/mode: warn}.
 * </ul>
 */
final class FakeCluster {
  static final int REPOSITORIES = 100;
  static final List<String> SHARED_IMAGES = List.of("acme/api:2.4.1", "kong:3.8", "acme/shop-migrations:3.1.0", "python:3.12");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CREATED = "2026-11-20T10:00:00Z";

  /** The scale knobs. */
  record Size(int pods, int controllers, int namespaces, int images) {
    Size {
      if (pods < 0 || controllers < 1 || namespaces < 1 || images < 1) {
        throw new IllegalArgumentException("pods >= 0, controllers, namespaces, images >= 1: " + pods + "/" + controllers + "/"
            + namespaces + "/" + images);
      }
    }

    static Size fromEnv() {
      return new Size(env("PODS", 100_000), env("CONTROLLERS", 10_000), env("NAMESPACES", 500), env("IMAGES", 2_000));
    }

    private static int env(String name, int fallback) {
      String value = System.getenv(name);
      return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim().replace("_", ""));
    }
  }

  /** A served resource: its list path segment, group/version and kind. */
  enum Resource {
    PODS("pods", "", "v1", "Pod"),
    DEPLOYMENTS("deployments", "apps", "v1", "Deployment"),
    REPLICASETS("replicasets", "apps", "v1", "ReplicaSet"),
    STATEFULSETS("statefulsets", "apps", "v1", "StatefulSet"),
    DAEMONSETS("daemonsets", "apps", "v1", "DaemonSet"),
    JOBS("jobs", "batch", "v1", "Job"),
    CRONJOBS("cronjobs", "batch", "v1", "CronJob"),
    REPLICATIONCONTROLLERS("replicationcontrollers", "", "v1", "ReplicationController"),
    NAMESPACES("namespaces", "", "v1", "Namespace");

    final String plural;
    final String group;
    final String version;
    final String kind;

    Resource(String plural, String group, String version, String kind) {
      this.plural = plural;
      this.group = group;
      this.version = version;
      this.kind = kind;
    }

    String apiVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }

    static Resource of(String group, String plural) {
      for (Resource r : values()) {
        if (r.plural.equals(plural) && r.group.equals(group)) {
          return r;
        }
      }
      return null;
    }
  }

  /** Controller kinds by index modulo 20. */
  private static final int[] DEPLOYMENT_SLOTS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
  private static final int[] STATEFULSET_SLOTS = {14, 15, 16};
  private static final int[] DAEMONSET_SLOTS = {17};
  private static final int[] CRONJOB_SLOTS = {18};
  private static final int[] JOB_SLOTS = {19};

  final Size size;
  private final JsonTemplate ownedPod;
  private final JsonTemplate barePod;
  private final JsonTemplate deployment;
  private final JsonTemplate replicaSet;
  private final JsonTemplate statefulSet;
  private final JsonTemplate daemonSet;
  private final JsonTemplate runningJob;
  private final JsonTemplate finishedJob;
  private final JsonTemplate cronJob;
  private final JsonTemplate namespace;

  FakeCluster(Size size) {
    this.size = size;
    ObjectNode pod = (ObjectNode) review("pod-3-containers.json");
    this.ownedPod = new JsonTemplate(podTemplate(pod, true));
    this.barePod = new JsonTemplate(podTemplate(pod, false));
    ObjectNode deploy = deploymentTemplate((ObjectNode) review("deployment-init.json"));
    this.deployment = new JsonTemplate(deploy.toString());
    this.replicaSet = new JsonTemplate(replicaSetTemplate(deploy));
    this.statefulSet = new JsonTemplate(statefulSetTemplate(deploy));
    this.daemonSet = new JsonTemplate(daemonSetTemplate(deploy));
    this.runningJob = new JsonTemplate(jobTemplate(deploy, false));
    this.finishedJob = new JsonTemplate(jobTemplate(deploy, true));
    this.cronJob = new JsonTemplate(cronJobTemplate(deploy));
    this.namespace = new JsonTemplate("{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"{{name}}\",\"uid\":\"{{uid}}\","
        + "\"resourceVersion\":\"{{rv}}\",\"creationTimestamp\":\"" + CREATED + "\",\"labels\":\"{{#labels}}\",\"managedFields\":"
        + "[{\"manager\":\"kubectl-create\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"" + CREATED + "\",\"fieldsType\":"
        + "\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:kubernetes.io/metadata.name\":{}}}}}]},"
        + "\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":\"Active\"}}");
  }

  /** How many objects of the resource the cluster has. */
  int count(Resource resource) {
    return switch (resource) {
      case PODS -> size.pods();
      case DEPLOYMENTS -> controllers(DEPLOYMENT_SLOTS);
      case REPLICASETS -> 2 * controllers(DEPLOYMENT_SLOTS);
      case STATEFULSETS -> controllers(STATEFULSET_SLOTS);
      case DAEMONSETS -> controllers(DAEMONSET_SLOTS);
      case JOBS -> controllers(JOB_SLOTS) + controllers(CRONJOB_SLOTS);
      case CRONJOBS -> controllers(CRONJOB_SLOTS);
      case REPLICATIONCONTROLLERS -> 0;
      case NAMESPACES -> size.namespaces();
    };
  }

  /** The namespace of object {@code index}, or null for a cluster-scoped resource. */
  String namespaceOf(Resource resource, int index) {
    return switch (resource) {
      case NAMESPACES -> null;
      case PODS -> bare(index) ? namespaceName(index % size.namespaces()) : namespaceName(controllerOfPod(index) % size.namespaces());
      default -> namespaceName(controllerOf(resource, index) % size.namespaces());
    };
  }

  /** The name of object {@code index}. */
  String nameOf(Resource resource, int index) {
    Map<String, String> values = new HashMap<>();
    switch (resource) {
      case PODS -> podValues(index, values);
      case NAMESPACES -> values.put("name", namespaceName(index));
      default -> controllerValues(resource, index, values);
    }
    return values.get("name");
  }

  /** Labels of a namespace, as the apiserver has them (always its name). */
  Map<String, String> namespaceLabels(int index) {
    Map<String, String> labels = new java.util.LinkedHashMap<>();
    labels.put("kubernetes.io/metadata.name", namespaceName(index));
    labels.put("team", "team-" + index % 10);
    if (index % 50 == 49) {
      labels.put("imagegate.dev/mode", "warn");
    }
    return labels;
  }

  /** Appends object {@code index} of the resource, with the given resourceVersion. */
  void render(Resource resource, int index, String resourceVersion, StringBuilder out) {
    Map<String, String> values = new HashMap<>();
    values.put("rv", resourceVersion);
    switch (resource) {
      case PODS -> {
        podValues(index, values);
        (values.containsKey("owner") ? ownedPod : barePod).render(out, values::get);
      }
      case NAMESPACES -> {
        values.put("name", namespaceName(index));
        values.put("uid", uid(Resource.NAMESPACES, index));
        try {
          values.put("#labels", JSON.writeValueAsString(namespaceLabels(index)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        namespace.render(out, values::get);
      }
      case REPLICATIONCONTROLLERS -> throw new IllegalArgumentException("the cluster has no ReplicationControllers");
      default -> {
        controllerValues(resource, index, values);
        template(resource, index).render(out, values::get);
      }
    }
  }

  /** The image reference of distinct image {@code i}. */
  static String image(int i) {
    return "bench/svc-" + i % REPOSITORIES + ":1.0." + i / REPOSITORIES;
  }

  static String namespaceName(int index) {
    return String.format("ns-%04d", index);
  }

  private JsonTemplate template(Resource resource, int index) {
    return switch (resource) {
      case DEPLOYMENTS -> deployment;
      case REPLICASETS -> replicaSet;
      case STATEFULSETS -> statefulSet;
      case DAEMONSETS -> daemonSet;
      case CRONJOBS -> cronJob;
      case JOBS -> index < controllers(JOB_SLOTS) ? runningJob : finishedJob;
      default -> throw new IllegalArgumentException(resource.plural);
    };
  }

  private int controllers(int[] slots) {
    int c = size.controllers();
    int count = (c / 20) * slots.length;
    for (int slot : slots) {
      if (slot < c % 20) {
        count++;
      }
    }
    return count;
  }

  /** The j-th controller of the kind whose slots are given, as a controller index. */
  private static int controller(int[] slots, int j) {
    return (j / slots.length) * 20 + slots[j % slots.length];
  }

  private int controllerOf(Resource resource, int index) {
    return switch (resource) {
      case DEPLOYMENTS -> controller(DEPLOYMENT_SLOTS, index);
      case REPLICASETS -> controller(DEPLOYMENT_SLOTS, index / 2);
      case STATEFULSETS -> controller(STATEFULSET_SLOTS, index);
      case DAEMONSETS -> controller(DAEMONSET_SLOTS, index);
      case CRONJOBS -> controller(CRONJOB_SLOTS, index);
      case JOBS -> index < controllers(JOB_SLOTS) ? controller(JOB_SLOTS, index)
          : controller(CRONJOB_SLOTS, index - controllers(JOB_SLOTS));
      default -> throw new IllegalArgumentException(resource.plural);
    };
  }

  private static boolean bare(int pod) {
    return pod % 100 == 99;
  }

  private int controllerOfPod(int pod) {
    return pod % size.controllers();
  }

  private static String uid(Resource resource, int index) {
    return String.format("%08x-0000-4000-8000-%012x", resource.ordinal() + 1, index);
  }

  private static String uid(String kind, int controller, int n) {
    return String.format("%08x-%04x-4000-8000-%012x", kind.hashCode() & 0x7fffffff, n, controller);
  }

  /** A pod-template-hash-like 10 characters. */
  private static String hash(int controller, int revision) {
    return String.format("%010x", ((controller * 31L + revision) * 2_654_435_761L) & 0xff_ffff_ffffL).replace('0', 'b').replace('1', 'd');
  }

  private void podValues(int p, Map<String, String> values) {
    int c = controllerOfPod(p);
    int slot = c % 20;
    String app = "app-" + c;
    values.put("ns", bare(p) ? namespaceName(p % size.namespaces()) : namespaceName(c % size.namespaces()));
    values.put("uid", uid(Resource.PODS, p));
    values.put("app", app);
    values.put("img0", image(c % size.images()));
    values.put("node", "node-" + p % 997);
    values.put("hostIP", "10.0." + (p % 997) / 250 + "." + p % 250);
    values.put("podIP", "10.244." + (p / 250) % 250 + "." + p % 250);
    values.put("cid", String.format("%064x", (long) p * 1_000_003L));
    values.put("phase", "Running");
    String suffix = Integer.toString(p + 60_466_176, 36).substring(1); // 5 base-36 characters
    if (bare(p)) {
      values.put("name", "debug-" + p);
      values.put("generateName", "");
      values.put("hash", hash(c, 0));
      return;
    }
    values.put("hash", hash(c, 1));
    if (slot < 14) {
      String rs = app + "-" + hash(c, 1);
      put(values, "apps/v1", "ReplicaSet", rs, uid("ReplicaSet", c, 1), rs + "-" + suffix);
    } else if (slot < 17) {
      put(values, "apps/v1", "StatefulSet", app, uid("StatefulSet", c, 0), app + "-" + p / size.controllers());
      values.put("generateName", app + "-");
    } else if (slot == 17) {
      put(values, "apps/v1", "DaemonSet", app, uid("DaemonSet", c, 0), app + "-" + suffix);
    } else if (slot == 18) {
      String job = app + "-29000000";
      put(values, "batch/v1", "Job", job, uid("Job", c, 1), job + "-" + suffix);
      values.put("phase", "Succeeded");
    } else {
      put(values, "batch/v1", "Job", app, uid("Job", c, 0), app + "-" + suffix);
    }
  }

  private static void put(Map<String, String> values, String apiVersion, String kind, String owner, String ownerUid, String name) {
    values.put("ownerApi", apiVersion);
    values.put("ownerKind", kind);
    values.put("owner", owner);
    values.put("ownerUid", ownerUid);
    values.put("name", name);
    values.putIfAbsent("generateName", owner + "-");
  }

  private void controllerValues(Resource resource, int index, Map<String, String> values) {
    int c = controllerOf(resource, index);
    String app = "app-" + c;
    int podsPerController = size.pods() / size.controllers() + (c < size.pods() % size.controllers() ? 1 : 0);
    int replicas = podsPerController - podsPerController / 100; // bare pods aside
    values.put("ns", namespaceName(c % size.namespaces()));
    values.put("app", app);
    values.put("img0", image(c % size.images()));
    values.put("#replicas", Integer.toString(replicas));
    switch (resource) {
      case REPLICASETS -> {
        int revision = index % 2 == 0 ? 1 : 0; // the current one, then the one before it
        values.put("name", app + "-" + hash(c, revision));
        values.put("uid", uid("ReplicaSet", c, revision));
        values.put("hash", hash(c, revision));
        values.put("revision", Integer.toString(revision + 1));
        values.put("#replicas", revision == 1 ? Integer.toString(replicas) : "0");
        values.put("owner", app);
        values.put("ownerUid", uid("Deployment", c, 0));
      }
      case JOBS -> {
        boolean ofCronJob = index >= controllers(JOB_SLOTS);
        values.put("name", ofCronJob ? app + "-29000000" : app);
        values.put("uid", uid("Job", c, ofCronJob ? 1 : 0));
        values.put("owner", app);
        values.put("ownerUid", uid("CronJob", c, 0));
      }
      default -> {
        values.put("name", app);
        values.put("uid", uid(resource.kind, c, 0));
      }
    }
  }

  // ---- templates, built once from the apiserver-shaped reviews -------------------------------

  private static JsonNode review(String file) {
    try (InputStream in = FakeCluster.class.getResourceAsStream("/warmup/" + file)) {
      if (in == null) {
        throw new IllegalStateException("warmup/" + file + " is not on the classpath");
      }
      return JSON.readTree(in).get("request").get("object");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String podTemplate(ObjectNode review, boolean owned) {
    ObjectNode pod = review.deepCopy();
    ObjectNode meta = (ObjectNode) pod.get("metadata");
    meta.put("name", "{{name}}");
    meta.put("generateName", "{{generateName}}");
    meta.put("namespace", "{{ns}}");
    meta.put("uid", "{{uid}}");
    meta.put("resourceVersion", "{{rv}}");
    meta.put("creationTimestamp", CREATED);
    ((ObjectNode) meta.get("labels")).put("app", "{{app}}").put("pod-template-hash", "{{hash}}");
    if (owned) {
      ObjectNode owner = (ObjectNode) meta.get("ownerReferences").get(0);
      owner.put("apiVersion", "{{ownerApi}}").put("kind", "{{ownerKind}}").put("name", "{{owner}}").put("uid", "{{ownerUid}}");
    } else {
      meta.remove("ownerReferences");
      meta.remove("generateName");
    }
    ((ArrayNode) meta.get("managedFields")).add(JSON.createObjectNode().put("manager", "kubelet").put("operation", "Update")
        .put("apiVersion", "v1").put("time", CREATED).put("fieldsType", "FieldsV1").put("subresource", "status")
        .set("fieldsV1", JSON.createObjectNode().set("f:status", JSON.createObjectNode()
            .<ObjectNode>set("f:conditions", JSON.createObjectNode().set("k:{\"type\":\"Ready\"}", JSON.createObjectNode()
                .set(".", JSON.createObjectNode())))
            .<ObjectNode>set("f:containerStatuses", JSON.createObjectNode())
            .<ObjectNode>set("f:hostIP", JSON.createObjectNode())
            .<ObjectNode>set("f:phase", JSON.createObjectNode())
            .<ObjectNode>set("f:podIP", JSON.createObjectNode())
            .<ObjectNode>set("f:startTime", JSON.createObjectNode()))));
    ObjectNode spec = (ObjectNode) pod.get("spec");
    spec.put("nodeName", "{{node}}");
    ArrayNode containers = (ArrayNode) spec.get("containers");
    ((ObjectNode) containers.get(0)).put("image", "{{img0}}");
    ObjectNode status = JSON.createObjectNode();
    status.put("phase", "{{phase}}");
    ArrayNode conditions = status.putArray("conditions");
    for (String type : List.of("Initialized", "Ready", "ContainersReady", "PodScheduled")) {
      conditions.addObject().put("type", type).put("status", "True").putNull("lastProbeTime").put("lastTransitionTime", CREATED);
    }
    status.put("hostIP", "{{hostIP}}").put("podIP", "{{podIP}}");
    status.putArray("podIPs").addObject().put("ip", "{{podIP}}");
    status.put("startTime", CREATED);
    ArrayNode statuses = status.putArray("containerStatuses");
    for (int i = 0; i < containers.size(); i++) {
      ObjectNode s = statuses.addObject();
      s.put("name", containers.get(i).get("name").asText());
      s.putObject("state").putObject("running").put("startedAt", CREATED);
      s.putObject("lastState");
      s.put("ready", true).put("restartCount", 0);
      String image = containers.get(i).get("image").asText();
      s.put("image", image.startsWith("{{") ? image : "docker.io/library/" + image);
      s.put("imageID", "docker.io/library/image@sha256:{{cid}}");
      s.put("containerID", "containerd://{{cid}}");
      s.put("started", true);
    }
    status.put("qosClass", "Burstable");
    pod.set("status", status);
    return pod.toString();
  }

  private static ObjectNode deploymentTemplate(ObjectNode review) {
    ObjectNode deploy = review.deepCopy();
    ObjectNode meta = (ObjectNode) deploy.get("metadata");
    meta.put("name", "{{name}}").put("namespace", "{{ns}}").put("uid", "{{uid}}").put("resourceVersion", "{{rv}}")
        .put("creationTimestamp", CREATED);
    ((ObjectNode) meta.get("labels")).put("app", "{{app}}");
    ((ObjectNode) meta.get("annotations")).put("deployment.kubernetes.io/revision", "2");
    ObjectNode spec = (ObjectNode) deploy.get("spec");
    spec.put("replicas", "{{#replicas}}");
    ((ObjectNode) spec.get("selector").get("matchLabels")).put("app", "{{app}}");
    ((ObjectNode) spec.get("template").get("metadata").get("labels")).put("app", "{{app}}");
    ((ObjectNode) spec.get("template").get("spec").get("containers").get(0)).put("image", "{{img0}}");
    spec.put("revisionHistoryLimit", 10).put("progressDeadlineSeconds", 600);
    spec.putObject("strategy").put("type", "RollingUpdate").putObject("rollingUpdate").put("maxUnavailable", "25%").put("maxSurge", "25%");
    ObjectNode status = JSON.createObjectNode();
    status.put("observedGeneration", 2).put("replicas", "{{#replicas}}").put("updatedReplicas", "{{#replicas}}")
        .put("readyReplicas", "{{#replicas}}").put("availableReplicas", "{{#replicas}}");
    ArrayNode conditions = status.putArray("conditions");
    conditions.addObject().put("type", "Available").put("status", "True").put("lastUpdateTime", CREATED)
        .put("lastTransitionTime", CREATED).put("reason", "MinimumReplicasAvailable").put("message", "Deployment has minimum availability.");
    conditions.addObject().put("type", "Progressing").put("status", "True").put("lastUpdateTime", CREATED)
        .put("lastTransitionTime", CREATED).put("reason", "NewReplicaSetAvailable")
        .put("message", "ReplicaSet \"{{name}}\" has successfully progressed.");
    deploy.set("status", status);
    return deploy;
  }

  /** A controller of another kind with the Deployment's metadata and pod template. */
  private static ObjectNode derived(ObjectNode deploy, String apiVersion, String kind) {
    ObjectNode object = JSON.createObjectNode();
    object.put("kind", kind).put("apiVersion", apiVersion);
    ObjectNode meta = deploy.get("metadata").deepCopy();
    ((ObjectNode) meta.get("annotations")).remove("deployment.kubernetes.io/revision");
    object.set("metadata", meta);
    return object;
  }

  private static ObjectNode podTemplateOf(ObjectNode deploy) {
    return deploy.get("spec").get("template").deepCopy();
  }

  private static String replicaSetTemplate(ObjectNode deploy) {
    ObjectNode rs = derived(deploy, "apps/v1", "ReplicaSet");
    ObjectNode meta = (ObjectNode) rs.get("metadata");
    ObjectNode annotations = meta.putObject("annotations"); // no last-applied copy on a ReplicaSet
    annotations.put("deployment.kubernetes.io/desired-replicas", "{{#replicas}}").put("deployment.kubernetes.io/max-replicas", "4")
        .put("deployment.kubernetes.io/revision", "{{revision}}");
    ((ObjectNode) meta.get("labels")).put("pod-template-hash", "{{hash}}");
    meta.putArray("ownerReferences").addObject().put("apiVersion", "apps/v1").put("kind", "Deployment").put("name", "{{owner}}")
        .put("uid", "{{ownerUid}}").put("controller", true).put("blockOwnerDeletion", true);
    ObjectNode spec = rs.putObject("spec");
    spec.put("replicas", "{{#replicas}}");
    spec.putObject("selector").putObject("matchLabels").put("app", "{{app}}").put("pod-template-hash", "{{hash}}");
    ObjectNode template = podTemplateOf(deploy);
    ((ObjectNode) template.get("metadata").get("labels")).put("pod-template-hash", "{{hash}}");
    spec.set("template", template);
    rs.putObject("status").put("replicas", "{{#replicas}}").put("fullyLabeledReplicas", "{{#replicas}}")
        .put("readyReplicas", "{{#replicas}}").put("availableReplicas", "{{#replicas}}").put("observedGeneration", 1);
    return rs.toString();
  }

  private static String statefulSetTemplate(ObjectNode deploy) {
    ObjectNode sts = derived(deploy, "apps/v1", "StatefulSet");
    ObjectNode spec = sts.putObject("spec");
    spec.put("replicas", "{{#replicas}}");
    spec.putObject("selector").putObject("matchLabels").put("app", "{{app}}");
    spec.set("template", podTemplateOf(deploy));
    spec.put("serviceName", "{{name}}").put("podManagementPolicy", "OrderedReady").put("revisionHistoryLimit", 10);
    spec.putObject("updateStrategy").put("type", "RollingUpdate").putObject("rollingUpdate").put("partition", 0);
    spec.putObject("persistentVolumeClaimRetentionPolicy").put("whenDeleted", "Retain").put("whenScaled", "Retain");
    sts.putObject("status").put("observedGeneration", 1).put("replicas", "{{#replicas}}").put("readyReplicas", "{{#replicas}}")
        .put("currentReplicas", "{{#replicas}}").put("updatedReplicas", "{{#replicas}}").put("currentRevision", "{{name}}-6d4f5b7c9")
        .put("updateRevision", "{{name}}-6d4f5b7c9").put("collisionCount", 0).put("availableReplicas", "{{#replicas}}");
    return sts.toString();
  }

  private static String daemonSetTemplate(ObjectNode deploy) {
    ObjectNode ds = derived(deploy, "apps/v1", "DaemonSet");
    ObjectNode spec = ds.putObject("spec");
    spec.putObject("selector").putObject("matchLabels").put("app", "{{app}}");
    spec.set("template", podTemplateOf(deploy));
    spec.putObject("updateStrategy").put("type", "RollingUpdate").putObject("rollingUpdate").put("maxUnavailable", 1).put("maxSurge", 0);
    spec.put("revisionHistoryLimit", 10);
    ds.putObject("status").put("currentNumberScheduled", "{{#replicas}}").put("desiredNumberScheduled", "{{#replicas}}")
        .put("numberAvailable", "{{#replicas}}").put("numberMisscheduled", 0).put("numberReady", "{{#replicas}}")
        .put("observedGeneration", 1).put("updatedNumberScheduled", "{{#replicas}}");
    return ds.toString();
  }

  private static ObjectNode jobSpec(ObjectNode deploy) {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("parallelism", 1).put("completions", 1).put("backoffLimit", 6).put("completionMode", "NonIndexed").put("suspend", false);
    spec.putObject("selector").putObject("matchLabels").put("batch.kubernetes.io/controller-uid", "{{uid}}");
    ObjectNode template = podTemplateOf(deploy);
    ((ObjectNode) template.get("spec")).put("restartPolicy", "OnFailure");
    ((ObjectNode) template.get("metadata").get("labels")).put("batch.kubernetes.io/controller-uid", "{{uid}}")
        .put("batch.kubernetes.io/job-name", "{{name}}");
    spec.set("template", template);
    return spec;
  }

  private static String jobTemplate(ObjectNode deploy, boolean finished) {
    ObjectNode job = derived(deploy, "batch/v1", "Job");
    ObjectNode meta = (ObjectNode) job.get("metadata");
    ObjectNode status = JSON.createObjectNode();
    status.put("startTime", CREATED);
    if (finished) {
      meta.remove("annotations");
      meta.putArray("ownerReferences").addObject().put("apiVersion", "batch/v1").put("kind", "CronJob").put("name", "{{owner}}")
          .put("uid", "{{ownerUid}}").put("controller", true).put("blockOwnerDeletion", true);
      status.put("completionTime", "2026-11-20T10:01:00Z").put("succeeded", 1).put("ready", 0);
      status.putArray("conditions").addObject().put("type", "Complete").put("status", "True").put("lastProbeTime", "2026-11-20T10:01:00Z")
          .put("lastTransitionTime", "2026-11-20T10:01:00Z");
    } else {
      status.put("active", 1).put("ready", 1);
    }
    job.set("spec", jobSpec(deploy));
    job.set("status", status);
    return job.toString();
  }

  private static String cronJobTemplate(ObjectNode deploy) {
    ObjectNode cron = derived(deploy, "batch/v1", "CronJob");
    ObjectNode spec = cron.putObject("spec");
    spec.put("schedule", "*/30 * * * *").put("concurrencyPolicy", "Forbid").put("suspend", false)
        .put("successfulJobsHistoryLimit", 3).put("failedJobsHistoryLimit", 1);
    ObjectNode jobSpec = jobSpec(deploy);
    jobSpec.remove("selector");
    jobSpec.remove("completionMode");
    ((ObjectNode) jobSpec.get("template").get("metadata").get("labels")).remove(List.of("batch.kubernetes.io/controller-uid",
        "batch.kubernetes.io/job-name"));
    ObjectNode jobTemplate = spec.putObject("jobTemplate");
    jobTemplate.putObject("metadata").putNull("creationTimestamp");
    jobTemplate.set("spec", jobSpec);
    cron.putObject("status").put("lastScheduleTime", "2026-11-20T10:00:00Z").put("lastSuccessfulTime", "2026-11-20T10:01:00Z");
    return cron.toString();
  }
}
