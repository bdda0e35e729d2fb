package dev.imagegate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming reader takes only the apiserver's shape of review and hands anything else to the
 * general read, which answers as it always did. (That it reads the apiserver's shape exactly as the
 * full model does is {@link ReviewReaderFullModelTest}.)
 */
class ReviewReaderTest {
  private final ObjectMapper mapper = new ObjectMapper();
  private final ReviewReader streaming = new ReviewReader(mapper.getFactory());
  private final AdmissionReviews reviews = new AdmissionReviews(mapper);

  private static byte[] review(String request) {
    return ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":" + request + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String pod(String spec) {
    return "{\"uid\":\"u1\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"operation\":\"CREATE\","
        + "\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":" + spec + "}}";
  }

  @Test
  void theApiserverShapeIsReadInOnePass() {
    var call = streaming.read(review(pod("{\"securityContext\":{\"runAsUser\":1000},\"containers\":[{\"name\":\"c\","
        + "\"image\":\"nginx:1.27\",\"env\":[{\"name\":\"A\",\"value\":\"b\"},{\"name\":\"S\",\"valueFrom\":{\"secretKeyRef\":{}}}]}]}")));
    assertThat(call).isNotNull();
    var container = call.object().containers().get(0);
    assertThat(container.runAsUser()).isEqualTo(1000L);
    assertThat(container.env()).as("literal values only: S comes from a Secret").extracting(e -> e.name()).containsExactly("A");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // a number written as a string: the data binder converts it
      "{\"securityContext\":{\"runAsUser\":\"1000\"},\"containers\":[{\"name\":\"c\",\"image\":\"a:1\"}]}",
      // a null in a list
      "{\"containers\":[null,{\"name\":\"c\",\"image\":\"a:1\"}]}",
      // a list where an object belongs
      "{\"containers\":{\"name\":\"c\",\"image\":\"a:1\"}}",
      // a number where a string belongs
      "{\"containers\":[{\"name\":\"c\",\"image\":7}]}",
  })
  void otherShapesAreLeftToTheGeneralRead(String spec) throws Exception {
    byte[] body = review(pod(spec));
    assertThat(streaming.read(body)).isNull();
    // the general read answers as it did before this reader: a review, or a 400 with a reason
    try {
      assertThat(reviews.read(body).uid()).isEqualTo("u1");
    } catch (BadReviewException e) {
      assertThat(e.getMessage()).contains("does not match");
    }
  }

  @Test
  void anObjectBeforeItsKindOrOfAnotherKindIsLeftToTheGeneralRead() throws Exception {
    byte[] objectFirst = review("{\"uid\":\"u1\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{}},\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"}}");
    assertThat(streaming.read(objectFirst)).isNull();
    assertThat(reviews.read(objectFirst).object().kind()).isEqualTo("Pod");
    byte[] configMap = review("{\"uid\":\"u2\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"ConfigMap\"},"
        + "\"object\":{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"a\":\"b\"}}}");
    assertThat(streaming.read(configMap)).isNull();
    assertThat(reviews.read(configMap)).satisfies(call -> {
      assertThat(call.kindName()).isEqualTo("ConfigMap");
      assertThat(call.object()).as("no pod spec: no workload").isNull();
    });
    byte[] mislabelled = review("{\"uid\":\"u3\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},"
        + "\"object\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{}}}");
    assertThat(streaming.read(mislabelled)).isNull();
  }

  @Test
  void aDeleteWithoutObjectIsRead() {
    var call = streaming.read(review("{\"uid\":\"u4\",\"kind\":{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"},"
        + "\"operation\":\"DELETE\",\"object\":null,\"oldObject\":{\"metadata\":{\"name\":\"d\"},\"spec\":{\"template\":{\"spec\":"
        + "{\"containers\":[{\"name\":\"c\",\"image\":\"a:1\"}]}}}}}"));
    assertThat(call.object()).isNull();
    assertThat(call.oldObject().kind()).isEqualTo("Deployment");
    assertThat(call.oldObject().images()).containsExactly("a:1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[]", "null", "{\"apiVersion\":", "{\"request\":{\"uid\":\"u\"} trailing", "\"text\""})
  void whatIsNotAnObjectIsLeftToTheGeneralRead(String body) {
    var read = streaming.read(body.getBytes(StandardCharsets.UTF_8));
    if (read != null) { // a complete object followed by other bytes: the data binder reads it the same way
      assertThat(body).contains("trailing");
    }
  }

  @Test
  void aRepeatedFieldKeepsItsLastValueAsTheDataBinderDoes() throws Exception {
    byte[] body = review(pod("{\"containers\":[{\"name\":\"c\",\"image\":\"a:1\",\"image\":\"b:2\"}]}"));
    var fast = streaming.read(body).object();
    var bound = reviews.fullModel(body).object();
    assertThat(fast.images()).containsExactly("b:2");
    assertThat(fast).isEqualTo(bound);
  }
}
