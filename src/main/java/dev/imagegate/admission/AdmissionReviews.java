package dev.imagegate.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;

/**
 * Reads and writes AdmissionReviews. A body that is not a v1 review is refused with a reason that
 * says what is wrong and where, but never echoes the body: it may hold secrets.
 */
@ApplicationScoped
public class AdmissionReviews {
  static final String API_VERSION = "admission.k8s.io/v1";
  static final String KIND = "AdmissionReview";

  private final ObjectMapper mapper;
  /** Reads the apiserver's own shape of review fastest ({@link ReviewReader}); null for anything else. */
  private final ReviewReader streaming;
  /**
   * Reads what the streaming reader leaves (an object before its kind, other JSON types…) in one
   * pass, the object straight into its kind's class ({@link TypedObjects}), as fabric8 models it.
   */
  private final ObjectReader typedReader;
  /** Resolved once: looking the serializer up per response cost as much as writing the response. */
  private final ObjectWriter replyWriter;

  public AdmissionReviews(ObjectMapper mapper) {
    this.mapper = mapper;
    // Not interned: names are compared with equals, and interning each new one (a managedFields key
    // with a uid, say) would grow the JVM's string table with every new object.
    this.streaming = new ReviewReader(mapper.getFactory().copy().disable(JsonFactory.Feature.INTERN_FIELD_NAMES));
    this.typedReader = mapper.copy().addMixIn(AdmissionRequest.class, TypedObjects.RequestMixin.class)
        .readerFor(AdmissionReview.class);
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

  AdmissionReview read(byte[] body) throws BadReviewException {
    if (body == null || body.length == 0) {
      throw new BadReviewException("empty request body: expected an " + API_VERSION + " AdmissionReview");
    }
    AdmissionReview review = streaming.read(body);
    if (review != null && servable(review)) {
      return review;
    }
    review = typed(body);
    return review != null ? review : diagnosed(body);
  }

  /**
   * The common case, parsed once straight into the typed review (the object into its kind's class):
   * the review if it is a v1 review with a request and a uid, else null. A tree of the body was
   * parsed and then converted before: twice the parsing for every admission.
   */
  AdmissionReview typed(byte[] body) {
    AdmissionReview review;
    try {
      review = typedReader.readValue(body);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return review != null && servable(review) ? review : null;
  }

  /** A v1 review with a request and a uid: anything else is diagnosed for a 400 with a reason. */
  private static boolean servable(AdmissionReview review) {
    return KIND.equals(review.getKind()) && API_VERSION.equals(review.getApiVersion())
        && review.getRequest() != null && review.getRequest().getUid() != null && !review.getRequest().getUid().isBlank();
  }

  /** Reads a body the typed parse refused, through a tree, for a reason that says what is wrong and where. */
  private AdmissionReview diagnosed(byte[] body) throws BadReviewException {
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
      throw new BadReviewException("kind is \"" + Printable.truncated(kind, 64) + "\": expected " + KIND);
    }
    if (!API_VERSION.equals(apiVersion)) {
      throw new BadReviewException("apiVersion \"" + Printable.truncated(apiVersion, 64) + "\" is not supported: "
          + "imagegate serves " + API_VERSION + " (admissionReviewVersions: [v1])");
    }
    JsonNode request = root.path("request");
    if (!request.isObject()) {
      throw new BadReviewException("AdmissionReview has no request");
    }
    if (!request.path("uid").isTextual() || request.path("uid").asText().isBlank()) {
      throw new BadReviewException("request.uid is missing");
    }
    try {
      return mapper.treeToValue(root, AdmissionReview.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new BadReviewException("AdmissionReview does not match the " + API_VERSION + " schema" + path(e));
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
