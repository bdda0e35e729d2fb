package dev.imagegate.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.imagegate.workload.Workload;
import dev.imagegate.workload.WorkloadKind;
import dev.imagegate.workload.Workloads;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodOS;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.WindowsSecurityContextOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a review as the apiserver writes it in one pass of Jackson's streaming parser, building only
 * what imagegate reads: the request's identity and, of each object, the {@link Workload} (through
 * {@link Workloads}, from lean fabric8 metadata and pod spec holding only the fields it uses: the
 * containers' names, images, env literals, probes (presence), security contexts and restart policy;
 * the pod's security context, pull secrets, service account, {@code hostUsers} and where it can be
 * scheduled ({@code os}, {@code nodeSelector}, required node affinity); the object's name, namespace,
 * uid, labels, owners and the annotations in {@link Workload#ANNOTATIONS}). Every other field
 * (volumes, resources, managedFields, status, the last-applied annotation…) is skipped without
 * building an object: this is most of an admission's cost once images are cached, see
 * docs/benchmarks.md. <b>A rule or feature that reads another field of the admitted object adds it
 * here</b>; {@code ReviewReaderFullModelTest} checks that the result is the {@link Workload} fabric8's
 * full model gives.
 *
 * <p>Only the shape the apiserver sends is read here: a v1 review with a request and its uid,
 * {@code request.kind} before the objects, a kind with a pod spec, every read field of its JSON type.
 * Anything else (a string where a number was expected, an object before its kind, a null in a list,
 * another kind…) makes {@link #read} return null, and {@link AdmissionReviews} reads the body through
 * fabric8's full model, which answers or refuses it with a reason.
 */
final class ReviewReader {
  /** Thrown to give up on a body this reader does not take; no stack trace, it is not an error. */
  private static final class NotCanonical extends Exception {
    NotCanonical() {
      super(null, null, false, false);
    }
  }

  private static final NotCanonical NOT_CANONICAL = new NotCanonical();

  private final JsonFactory json;

  ReviewReader(JsonFactory json) {
    this.json = json;
  }

  /** The request, or null when the body is not in the shape the apiserver sends (read it the general way). */
  AdmissionCall read(byte[] body) {
    try (JsonParser p = json.createParser(body)) {
      return review(p);
    } catch (NotCanonical | IOException | RuntimeException e) {
      return null;
    }
  }

  private static AdmissionCall review(JsonParser p) throws IOException, NotCanonical {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw NOT_CANONICAL;
    }
    String apiVersion = null;
    String kind = null;
    AdmissionCall request = null;
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      switch (field) {
        case "apiVersion" -> apiVersion = string(p);
        case "kind" -> kind = string(p);
        case "request" -> request = request(p);
        default -> skip(p);
      }
    }
    if (!AdmissionReviews.KIND.equals(kind) || !AdmissionReviews.API_VERSION.equals(apiVersion) || request == null) {
      throw NOT_CANONICAL; // diagnosed by the general read
    }
    return request;
  }

  private static AdmissionCall request(JsonParser p) throws IOException, NotCanonical {
    if (!startObject(p, p.nextToken())) {
      return null;
    }
    String uid = null;
    String operation = null;
    String subResource = null;
    Boolean dryRun = null;
    AdmissionCall.Kind kind = null;
    WorkloadKind workloadKind = null;
    String namespace = null;
    String name = null;
    Workload object = null;
    Workload oldObject = null;
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      switch (field) {
        case "uid" -> uid = string(p);
        case "kind" -> {
          kind = kind(p);
          workloadKind = kind == null ? null : WorkloadKind.of(kind.group(), kind.kind()).orElse(null);
        }
        case "subResource" -> subResource = string(p);
        case "name" -> name = string(p);
        case "namespace" -> namespace = string(p);
        case "operation" -> operation = string(p);
        case "dryRun" -> dryRun = bool(p);
        case "object" -> object = object(p, workloadKind);
        case "oldObject" -> oldObject = object(p, workloadKind);
        default -> skip(p);
      }
    }
    if (uid == null || uid.isBlank()) {
      throw NOT_CANONICAL;
    }
    return new AdmissionCall(uid, operation, subResource, Boolean.TRUE.equals(dryRun), kind, namespace, name, object,
        false, oldObject);
  }

  private static AdmissionCall.Kind kind(JsonParser p) throws IOException, NotCanonical {
    if (!startObject(p, p.nextToken())) {
      return null;
    }
    String group = null;
    String version = null;
    String kind = null;
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      switch (field) {
        case "group" -> group = string(p);
        case "version" -> version = string(p);
        case "kind" -> kind = string(p);
        default -> skip(p);
      }
    }
    return new AdmissionCall.Kind(group, version, kind);
  }

  /** A workload: its metadata, and its pod spec where its kind keeps it ({@link WorkloadKind#podSpecPath}). */
  private static Workload object(JsonParser p, WorkloadKind kind) throws IOException, NotCanonical {
    JsonToken start = p.nextToken();
    if (start == JsonToken.VALUE_NULL) {
      return null;
    }
    if (kind == null) {
      throw NOT_CANONICAL; // before request.kind, or a kind without a pod spec
    }
    startObject(p, start);
    String apiVersion = null;
    String objectKind = null;
    ObjectMeta metadata = null;
    PodSpec spec = null;
    List<String> path = kind.podSpecPath();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      switch (field) {
        case "apiVersion" -> apiVersion = string(p);
        case "kind" -> objectKind = string(p);
        case "metadata" -> metadata = metadata(p);
        default -> {
          if (field.equals(path.get(0))) {
            spec = podSpecAt(p, path, 1);
          } else {
            skip(p);
          }
        }
      }
    }
    if (objectKind != null && !objectKind.equals(kind.kind())) {
      throw NOT_CANONICAL; // an object that says it is of another kind is read the general way
    }
    return Workloads.of(kind, apiVersion, metadata, spec);
  }

  /** Follows {@code path} from {@code depth} down to the pod spec, skipping everything beside it. */
  private static PodSpec podSpecAt(JsonParser p, List<String> path, int depth) throws IOException, NotCanonical {
    if (depth == path.size()) {
      return podSpec(p);
    }
    if (!startObject(p, p.nextToken())) {
      return null;
    }
    PodSpec spec = null;
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      if (field.equals(path.get(depth))) {
        spec = podSpecAt(p, path, depth + 1);
      } else {
        skip(p);
      }
    }
    return spec;
  }

  private static ObjectMeta metadata(JsonParser p) throws IOException, NotCanonical {
    if (!startObject(p, p.nextToken())) {
      return null;
    }
    ObjectMeta meta = new ObjectMeta();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      switch (field) {
        case "name" -> meta.setName(string(p));
        case "generateName" -> meta.setGenerateName(string(p));
        case "namespace" -> meta.setNamespace(string(p));
        case "uid" -> meta.setUid(string(p));
        case "labels" -> meta.setLabels(stringMap(p));
        case "ownerReferences" -> meta.setOwnerReferences(list(p, ReviewReader::ownerReference));
        case "annotations" -> meta.setAnnotations(annotations(p));
        default -> skip(p);
      }
    }
    return meta;
  }

  private static OwnerReference ownerReference(JsonParser p) throws IOException, NotCanonical {
    OwnerReference owner = new OwnerReference();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      switch (field) {
        case "apiVersion" -> owner.setApiVersion(string(p));
        case "kind" -> owner.setKind(string(p));
        case "name" -> owner.setName(string(p));
        case "uid" -> owner.setUid(string(p));
        case "controller" -> owner.setController(bool(p));
        case "blockOwnerDeletion" -> owner.setBlockOwnerDeletion(bool(p));
        default -> skip(p);
      }
    }
    return owner;
  }

  /** The annotations in {@link Workload#ANNOTATIONS}; the others' values are skipped unread. */
  private static Map<String, String> annotations(JsonParser p) throws IOException, NotCanonical {
    if (!startObject(p, p.nextToken())) {
      return null;
    }
    Map<String, String> kept = new HashMap<>(2);
    for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
      if (Workload.ANNOTATIONS.contains(key)) {
        kept.put(key, string(p));
      } else {
        skip(p);
      }
    }
    return kept;
  }

  private static PodSpec podSpec(JsonParser p) throws IOException, NotCanonical {
    if (!startObject(p, p.nextToken())) {
      return null;
    }
    PodSpec spec = new PodSpec();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      switch (field) {
        case "containers" -> spec.setContainers(list(p, ReviewReader::container));
        case "initContainers" -> spec.setInitContainers(list(p, ReviewReader::container));
        case "ephemeralContainers" -> spec.setEphemeralContainers(list(p, ReviewReader::ephemeralContainer));
        case "securityContext" -> spec.setSecurityContext(podSecurityContext(p));
        case "imagePullSecrets" -> spec.setImagePullSecrets(list(p, ReviewReader::localObjectReference));
        case "serviceAccountName" -> spec.setServiceAccountName(string(p));
        case "hostUsers" -> spec.setHostUsers(bool(p));
        case "os" -> spec.setOs(podOs(p));
        case "nodeSelector" -> spec.setNodeSelector(stringMap(p));
        case "affinity" -> spec.setAffinity(affinity(p));
        default -> skip(p);
      }
    }
    return spec;
  }

  private static PodOS podOs(JsonParser p) throws IOException, NotCanonical {
    if (!startObject(p, p.nextToken())) {
      return null;
    }
    PodOS os = new PodOS();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      if (field.equals("name")) {
        os.setName(string(p));
      } else {
        skip(p);
      }
    }
    return os;
  }

  /** Only the required node affinity: the preferred one and pod (anti-)affinity do not constrain the platform. */
  private static Affinity affinity(JsonParser p) throws IOException, NotCanonical {
    if (!startObject(p, p.nextToken())) {
      return null;
    }
    Affinity affinity = new Affinity();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      if (field.equals("nodeAffinity")) {
        affinity.setNodeAffinity(nodeAffinity(p));
      } else {
        skip(p);
      }
    }
    return affinity;
  }

  private static NodeAffinity nodeAffinity(JsonParser p) throws IOException, NotCanonical {
    if (!startObject(p, p.nextToken())) {
      return null;
    }
    NodeAffinity nodeAffinity = new NodeAffinity();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      if (field.equals("requiredDuringSchedulingIgnoredDuringExecution")) {
        nodeAffinity.setRequiredDuringSchedulingIgnoredDuringExecution(nodeSelector(p));
      } else {
        skip(p);
      }
    }
    return nodeAffinity;
  }

  private static NodeSelector nodeSelector(JsonParser p) throws IOException, NotCanonical {
    if (!startObject(p, p.nextToken())) {
      return null;
    }
    NodeSelector selector = new NodeSelector();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      if (field.equals("nodeSelectorTerms")) {
        selector.setNodeSelectorTerms(list(p, ReviewReader::nodeSelectorTerm));
      } else {
        skip(p);
      }
    }
    return selector;
  }

  private static NodeSelectorTerm nodeSelectorTerm(JsonParser p) throws IOException, NotCanonical {
    NodeSelectorTerm term = new NodeSelectorTerm();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      if (field.equals("matchExpressions")) {
        term.setMatchExpressions(list(p, ReviewReader::nodeSelectorRequirement));
      } else {
        skip(p);
      }
    }
    return term;
  }

  private static NodeSelectorRequirement nodeSelectorRequirement(JsonParser p) throws IOException, NotCanonical {
    NodeSelectorRequirement requirement = new NodeSelectorRequirement();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      switch (field) {
        case "key" -> requirement.setKey(string(p));
        case "operator" -> requirement.setOperator(string(p));
        case "values" -> requirement.setValues(strings(p));
        default -> skip(p);
      }
    }
    return requirement;
  }

  private static Container container(JsonParser p) throws IOException, NotCanonical {
    Container container = new Container();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      switch (field) {
        case "name" -> container.setName(string(p));
        case "image" -> container.setImage(string(p));
        case "env" -> container.setEnv(list(p, ReviewReader::envVar));
        case "securityContext" -> container.setSecurityContext(securityContext(p));
        case "livenessProbe" -> container.setLivenessProbe(present(p) ? new Probe() : null);
        case "readinessProbe" -> container.setReadinessProbe(present(p) ? new Probe() : null);
        case "startupProbe" -> container.setStartupProbe(present(p) ? new Probe() : null);
        case "restartPolicy" -> container.setRestartPolicy(string(p));
        default -> skip(p);
      }
    }
    return container;
  }

  /** Ephemeral containers take no probes and no restart policy: judged without them. */
  private static EphemeralContainer ephemeralContainer(JsonParser p) throws IOException, NotCanonical {
    EphemeralContainer container = new EphemeralContainer();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      switch (field) {
        case "name" -> container.setName(string(p));
        case "image" -> container.setImage(string(p));
        case "env" -> container.setEnv(list(p, ReviewReader::envVar));
        case "securityContext" -> container.setSecurityContext(securityContext(p));
        default -> skip(p);
      }
    }
    return container;
  }

  private static EnvVar envVar(JsonParser p) throws IOException, NotCanonical {
    EnvVar env = new EnvVar();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      switch (field) {
        case "name" -> env.setName(string(p));
        case "value" -> env.setValue(string(p));
        case "valueFrom" -> env.setValueFrom(present(p) ? new EnvVarSource() : null); // only whether it is there counts
        default -> skip(p);
      }
    }
    return env;
  }

  private static LocalObjectReference localObjectReference(JsonParser p) throws IOException, NotCanonical {
    LocalObjectReference reference = new LocalObjectReference();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      if (field.equals("name")) {
        reference.setName(string(p));
      } else {
        skip(p);
      }
    }
    return reference;
  }

  private static SecurityContext securityContext(JsonParser p) throws IOException, NotCanonical {
    RunAs runAs = runAs(p);
    if (runAs == null) {
      return null;
    }
    SecurityContext context = new SecurityContext();
    context.setRunAsUser(runAs.user());
    context.setRunAsNonRoot(runAs.nonRoot());
    context.setWindowsOptions(runAs.windows());
    return context;
  }

  private static PodSecurityContext podSecurityContext(JsonParser p) throws IOException, NotCanonical {
    RunAs runAs = runAs(p);
    if (runAs == null) {
      return null;
    }
    PodSecurityContext context = new PodSecurityContext();
    context.setRunAsUser(runAs.user());
    context.setRunAsNonRoot(runAs.nonRoot());
    context.setWindowsOptions(runAs.windows());
    return context;
  }

  /** What the rules read of a container's or a pod's security context. */
  private record RunAs(Long user, Boolean nonRoot, WindowsSecurityContextOptions windows) {}

  private static RunAs runAs(JsonParser p) throws IOException, NotCanonical {
    if (!startObject(p, p.nextToken())) {
      return null;
    }
    Long user = null;
    Boolean nonRoot = null;
    WindowsSecurityContextOptions windows = null;
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      switch (field) {
        case "runAsUser" -> user = integer(p);
        case "runAsNonRoot" -> nonRoot = bool(p);
        case "windowsOptions" -> windows = windowsOptions(p);
        default -> skip(p);
      }
    }
    return new RunAs(user, nonRoot, windows);
  }

  private static WindowsSecurityContextOptions windowsOptions(JsonParser p) throws IOException, NotCanonical {
    if (!startObject(p, p.nextToken())) {
      return null;
    }
    WindowsSecurityContextOptions options = new WindowsSecurityContextOptions();
    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
      if (field.equals("runAsUserName")) {
        options.setRunAsUserName(string(p));
      } else {
        skip(p);
      }
    }
    return options;
  }

  /** Reads one element of a list; the parser is inside the element's object. */
  private interface Element<T> {
    T read(JsonParser p) throws IOException, NotCanonical;
  }

  /** A list of objects; null stays null (as the data binder leaves it), a null element is not canonical. */
  private static <T> List<T> list(JsonParser p, Element<T> element) throws IOException, NotCanonical {
    JsonToken start = p.nextToken();
    if (start == JsonToken.VALUE_NULL) {
      return null;
    }
    if (start != JsonToken.START_ARRAY) {
      throw NOT_CANONICAL;
    }
    List<T> items = new ArrayList<>();
    for (JsonToken token = p.nextToken(); token != JsonToken.END_ARRAY; token = p.nextToken()) {
      if (token != JsonToken.START_OBJECT) {
        throw NOT_CANONICAL;
      }
      items.add(element.read(p));
    }
    return items;
  }

  /** A list of strings; null stays null, a null or non-string element is not canonical. */
  private static List<String> strings(JsonParser p) throws IOException, NotCanonical {
    JsonToken start = p.nextToken();
    if (start == JsonToken.VALUE_NULL) {
      return null;
    }
    if (start != JsonToken.START_ARRAY) {
      throw NOT_CANONICAL;
    }
    List<String> items = new ArrayList<>();
    for (JsonToken token = p.nextToken(); token != JsonToken.END_ARRAY; token = p.nextToken()) {
      if (token != JsonToken.VALUE_STRING) {
        throw NOT_CANONICAL;
      }
      items.add(p.getText());
    }
    return items;
  }

  /** A map of strings ({@code nodeSelector}, labels); a value that is not a string is not canonical. */
  private static Map<String, String> stringMap(JsonParser p) throws IOException, NotCanonical {
    if (!startObject(p, p.nextToken())) {
      return null;
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
      map.put(key, string(p));
    }
    return map;
  }

  /** Whether an object is there (its content skipped); null is absent. */
  private static boolean present(JsonParser p) throws IOException, NotCanonical {
    if (!startObject(p, p.nextToken())) {
      return false;
    }
    p.skipChildren();
    return true;
  }

  /** True at the start of an object, false for null; anything else is not canonical. */
  private static boolean startObject(JsonParser p, JsonToken token) throws NotCanonical {
    if (token == JsonToken.START_OBJECT) {
      return true;
    }
    if (token == JsonToken.VALUE_NULL) {
      return false;
    }
    throw NOT_CANONICAL;
  }

  private static String string(JsonParser p) throws IOException, NotCanonical {
    JsonToken token = p.nextToken();
    if (token == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    throw NOT_CANONICAL;
  }

  private static Boolean bool(JsonParser p) throws IOException, NotCanonical {
    return switch (p.nextToken()) {
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw NOT_CANONICAL;
    };
  }

  private static Long integer(JsonParser p) throws IOException, NotCanonical {
    JsonToken token = p.nextToken();
    if (token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      return p.getLongValue();
    }
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    throw NOT_CANONICAL;
  }

  private static void skip(JsonParser p) throws IOException {
    p.nextToken();
    p.skipChildren();
  }
}
