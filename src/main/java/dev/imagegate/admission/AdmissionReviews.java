package dev.imagegate.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.imagegate.text.ExternalText;
import dev.imagegate.workload.Workload;
import dev.imagegate.workload.WorkloadKind;
import dev.imagegate.workload.Workloads;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;

/**
 * Reads and writes AdmissionReviews. A review is read by one of two readers behind {@link #read}: the
 * apiserver's own shape by {@link ReviewReader} in one streaming pass, anything else through a tree
 * that is diagnosed and then bound to fabric8's full model. A body that is not a v1 review is refused
 * with a reason that says what is wrong and where, but never echoes the body: it may hold secrets.
 */
@ApplicationScoped
public class AdmissionReviews {
  static final String API_VERSION = "admission.k8s.io/v1";
  static final String KIND = "AdmissionReview";

  private final ObjectMapper mapper;
  private final ReviewReader streaming;
  /** Resolved once: looking the serializer up per response cost as much as writing the response. */
  private final ObjectWriter replyWriter;

  public AdmissionReviews(ObjectMapper mapper) {
    this.mapper = mapper;
    // Not interned: names are compared with equals, and interning each new one (a managedFields key
    // with a uid, say) would grow the JVM's string table with every new object.
    this.streaming = new ReviewReader(mapper.getFactory().copy().disable(JsonFactory.Feature.INTERN_FIELD_NAMES));
    this.replyWriter = mapper.writerFor(AdmissionReview.class);
  }

  /** The response review as the JSON bytes to send. */
  byte[] replyBytes(AdmissionResponse response) {
    try {
      return replyWriter.writeValueAsBytes(reply(response));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write an AdmissionReview: " + e.getClass().getSimpleName(), e);
    }
  }

  /** The request of a v1 review, or a reason why the body is not one. */
  AdmissionCall read(byte[] body) throws BadReviewException {
    if (body == null || body.length == 0) {
      throw new BadReviewException("empty request body: expected an " + API_VERSION + " AdmissionReview");
    }
    AdmissionCall call = streaming.read(body);
    return call != null ? call : fullModel(body);
  }

  /**
   * Reads a body through a tree, for a reason that says what is wrong and where, then through
   * fabric8's data binder; each object as its request's kind, as fabric8 reads that kind.
   */
  AdmissionCall fullModel(byte[] body) throws BadReviewException {
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadReviewException("request body is not valid JSON" + where(e.getLocation()));
    } catch (IOException e) {
      throw new BadReviewException("request body could not be read");
    }
    if (root == null || !root.isObject()) {
      throw new BadReviewException("request body is not a JSON object: expected an " + API_VERSION + " AdmissionReview");
    }
    String apiVersion = root.path("apiVersion").asText("");
    String kind = root.path("kind").asText("");
    if (!KIND.equals(kind)) {
      throw new BadReviewException("kind is \"" + ExternalText.forApiserver(kind, 64) + "\": expected " + KIND);
    }
    if (!API_VERSION.equals(apiVersion)) {
      throw new BadReviewException("apiVersion \"" + ExternalText.forApiserver(apiVersion, 64) + "\" is not supported: "
          + "imagegate serves " + API_VERSION + " (admissionReviewVersions: [v1])");
    }
    JsonNode request = root.path("request");
    if (!request.isObject()) {
      throw new BadReviewException("AdmissionReview has no request");
    }
    if (!request.path("uid").isTextual() || request.path("uid").asText().isBlank()) {
      throw new BadReviewException("request.uid is missing");
    }
    AdmissionReview review;
    try {
      review = mapper.treeToValue(root, AdmissionReview.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new BadReviewException("AdmissionReview does not match the " + API_VERSION + " schema" + path(e));
    }
    return call(review.getRequest());
  }

  private AdmissionCall call(AdmissionRequest request) {
    GroupVersionKind gvk = request.getKind();
    AdmissionCall.Kind kind = gvk == null ? null : new AdmissionCall.Kind(gvk.getGroup(), gvk.getVersion(), gvk.getKind());
    WorkloadKind workloadKind = gvk == null ? null : WorkloadKind.of(gvk.getGroup(), gvk.getKind()).orElse(null);
    Workload object = null;
    boolean unreadable = false;
    if (workloadKind != null && request.getObject() != null) {
      object = workload(request.getObject(), workloadKind);
      unreadable = object == null;
    }
    Workload oldObject = workloadKind == null || request.getOldObject() == null ? null : workload(request.getOldObject(), workloadKind);
    return new AdmissionCall(request.getUid(), request.getOperation(), request.getSubResource(),
        Boolean.TRUE.equals(request.getDryRun()), kind, request.getNamespace(), request.getName(), object, unreadable, oldObject);
  }

  /** The object as its request's kind, or null when it cannot be read as one. */
  private Workload workload(Object object, WorkloadKind kind) {
    try {
      HasMetadata typed = kind.type().isInstance(object) ? kind.type().cast(object) : mapper.convertValue(object, kind.type());
      return Workloads.of(typed);
    } catch (RuntimeException e) { // not of its kind's shape (a null container…): judged as unreadable
      return null;
    }
  }

  /** The response review: same apiVersion and kind as the request, nothing else but the response. */
  static AdmissionReview reply(AdmissionResponse response) {
    return new AdmissionReviewBuilder().withApiVersion(API_VERSION).withKind(KIND).withResponse(response).build();
  }

  private static String where(JsonLocation location) {
    return location == null || location.getLineNr() < 0
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private static String path(Exception e) {
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      StringBuilder path = new StringBuilder(" at ");
      for (var ref : mapping.getPath()) {
        path.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
      }
      return path.toString();
    }
    return "";
  }
}
