package dev.imagegate.admission;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.internal.KubernetesDeserializer;
import java.io.IOException;
import java.util.Optional;

/**
 * Performance: reads {@code request.object} and {@code request.oldObject} straight into the class of
 * the request's kind ({@link WorkloadKind}) in the same pass as the rest of the review. fabric8's own
 * deserializer reads each object into a tree first to find its kind, then converts the tree: the
 * largest cost of an admission once images are cached (docs/benchmarks.md). The apiserver writes
 * {@code request.kind} before {@code object}; when a body does not, or the kind has no pod spec, the
 * object is read as fabric8 reads it.
 */
final class TypedObjects {
  private static final String KIND = TypedObjects.class.getName() + ".kind";

  private TypedObjects() {}

  /**
   * Jackson mix-in for fabric8's {@code AdmissionRequest}: on the fields and on the setters, since
   * Jackson takes a setter's annotations over a field's when it deserializes.
   */
  abstract static class RequestMixin {
    @JsonProperty("kind")
    @JsonDeserialize(using = RememberKind.class)
    GroupVersionKind kind;

    @JsonProperty("object")
    @JsonDeserialize(using = ObjectOfKind.class)
    Object object;

    @JsonProperty("oldObject")
    @JsonDeserialize(using = ObjectOfKind.class)
    Object oldObject;

    @JsonProperty("kind")
    @JsonDeserialize(using = RememberKind.class)
    abstract void setKind(GroupVersionKind kind);

    @JsonProperty("object")
    @JsonDeserialize(using = ObjectOfKind.class)
    abstract void setObject(Object object);

    @JsonProperty("oldObject")
    @JsonDeserialize(using = ObjectOfKind.class)
    abstract void setOldObject(Object oldObject);
  }

  /** Reads {@code request.kind} and remembers it for the rest of this one read. */
  static final class RememberKind extends StdDeserializer<GroupVersionKind> {
    RememberKind() {
      super(GroupVersionKind.class);
    }

    @Override
    public GroupVersionKind deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      GroupVersionKind kind = ctxt.readValue(p, GroupVersionKind.class);
      ctxt.setAttribute(KIND, kind);
      return kind;
    }
  }

  /** The object as its kind's class when the kind is known by now, else as fabric8 reads it. */
  static final class ObjectOfKind extends StdDeserializer<Object> {
    private final KubernetesDeserializer fallback = new KubernetesDeserializer();

    ObjectOfKind() {
      super(Object.class);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      Optional<WorkloadKind> kind = ctxt.getAttribute(KIND) instanceof GroupVersionKind gvk ? WorkloadKind.of(gvk) : Optional.empty();
      if (kind.isPresent()) {
        return ctxt.readValue(p, kind.get().type());
      }
      return fallback.deserialize(p, ctxt);
    }
  }
}
