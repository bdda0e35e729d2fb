package dev.imagegate.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AdmissionReviewsTest {
  private final AdmissionReviews reviews = new AdmissionReviews(new ObjectMapper());

  private void refused(String body, String reason) {
    assertThatThrownBy(() -> reviews.read(body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(BadReviewException.class).hasMessageContaining(reason);
  }

  @Test
  void emptyBodyIsRefused() {
    refused("", "empty request body");
  }

  @Test
  void notJsonIsRefusedWithoutEchoingTheBody() {
    assertThatThrownBy(() -> reviews.read("{\"password\": hunter2secret}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not valid JSON").hasMessageContaining("line 1")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
  }

  @Test
  void jsonOfTheWrongKindIsRefused() {
    refused("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}", "expected AdmissionReview");
    refused("[1,2]", "not a JSON object");
  }

  @Test
  void v1beta1ReviewIsRefusedWithTheFix() {
    refused("{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"x\"}}",
        "admissionReviewVersions: [v1]");
  }

  @Test
  void reviewWithoutRequestOrUidIsRefused() {
    refused("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}", "has no request");
    refused("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"operation\":\"CREATE\"}}",
        "request.uid is missing");
  }

  @Test
  void invalidUtf8IsRefused() {
    byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    assertThatThrownBy(() -> reviews.read(body)).isInstanceOf(BadReviewException.class);
  }

  @Test
  void wellFormedReviewIsRead() throws Exception {
    var call = reviews.read("""
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1","operation":"DELETE",
         "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"apps","name":"p"}}
        """.getBytes(StandardCharsets.UTF_8));
    assertThat(call.uid()).isEqualTo("u1");
    assertThat(call.kindName()).isEqualTo("Pod");
  }

  @Test
  void objectsAreReadAsTheClassOfTheRequestKindInOnePass() throws Exception {
    var call = reviews.read("""
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u2","operation":"UPDATE",
         "kind":{"group":"apps","version":"v1","kind":"Deployment"},"namespace":"apps","name":"d",
         "object":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},
          "spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}}},
         "oldObject":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"}}}}
        """.getBytes(StandardCharsets.UTF_8));
    assertThat(call.object().kind()).isEqualTo("Deployment");
    assertThat(call.object().images()).containsExactly("nginx:1.27");
    assertThat(call.oldObject().kind()).isEqualTo("Deployment");
    // read as the request's kind says, not by the object's own apiVersion and kind (absent here)
    var bare = reviews.read("""
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u5","operation":"CREATE",
         "kind":{"group":"apps","version":"v1","kind":"Deployment"},
         "object":{"metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"name":"c","image":"a:1"}]}}}}}}
        """.getBytes(StandardCharsets.UTF_8));
    assertThat(bare.object().kind()).isEqualTo("Deployment");
    assertThat(bare.object().images()).containsExactly("a:1");
  }

  @Test
  void objectsBeforeTheKindOrOfOtherKindsAreReadAsFabric8ReadsThem() throws Exception {
    var podFirst = reviews.read("""
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u3","operation":"CREATE",
         "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"a:1"}]}},
         "kind":{"group":"","version":"v1","kind":"Pod"}}}
        """.getBytes(StandardCharsets.UTF_8));
    assertThat(podFirst.object().kind()).isEqualTo("Pod");
    assertThat(podFirst.object().images()).containsExactly("a:1");
    var configMap = reviews.read("""
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u4","operation":"CREATE",
         "kind":{"group":"","version":"v1","kind":"ConfigMap"},
         "object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"b"}}}}
        """.getBytes(StandardCharsets.UTF_8));
    assertThat(configMap.kindName()).isEqualTo("ConfigMap");
    assertThat(configMap.object()).as("a kind without a pod spec is not a workload").isNull();
    assertThat(configMap.objectUnreadable()).isFalse();
  }
}
