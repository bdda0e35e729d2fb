package dev.imagegate.admission;

import static dev.imagegate.admission.Reviews.deployment;
import static dev.imagegate.admission.Reviews.pod;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodOS;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.WindowsSecurityContextOptions;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The platforms judged are those the pod can be scheduled to, with Windows semantics for
 * run-as-non-root: AdmissionReviews over HTTPS against multi-platform images in the real registry.
 */
@QuarkusTest
@QuarkusTestResource(value = PlatformTestRegistry.class, restrictToAnnotatedClass = true)
class PlatformAdmissionTest {
  @TestHTTPResource(value = "/validate", tls = true)
  URL validate;

  private JsonPath review(String body) {
    return given().relaxedHTTPSValidation().contentType("application/json").queryParam("timeout", "10s")
        .body(body).post(validate).then().statusCode(200).extract().jsonPath();
  }

  /** A container that passes every rule but run-as-non-root: a version tag and a probe, no runAsUser. */
  private static Container app(String image) {
    return new ContainerBuilder().withName("app").withImage(image)
        .withNewReadinessProbe().withNewTcpSocket().withNewPort(80).endTcpSocket().endReadinessProbe().build();
  }

  private static PodSpecBuilder spec(Container container) {
    return new PodSpecBuilder().withContainers(container);
  }

  private static PodSpec windows(Container container) {
    return spec(container).withOs(new PodOS("windows")).build();
  }

  private static NodeSelectorTerm term(String key, String operator, String... values) {
    return new NodeSelectorTerm(List.of(new NodeSelectorRequirement(key, operator, List.of(values))), null);
  }

  private static PodSpec affinity(PodSpecBuilder spec, NodeSelectorTerm... terms) {
    return spec.withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .withNodeSelectorTerms(terms).endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().build();
  }

  private JsonPath admitPod(String name, PodSpec spec) {
    return review(Reviews.create(pod(name, spec)));
  }

  private static void allowed(JsonPath response) {
    assertThat(response.getBoolean("response.allowed")).as(response.prettify()).isTrue();
  }

  private static String denied(JsonPath response) {
    assertThat(response.getBoolean("response.allowed")).as(response.prettify()).isFalse();
    return response.getString("response.status.message");
  }

  @Test
  void aWindowsPodOnALinuxAndWindowsIndexIsJudgedOnTheWindowsChild() {
    assertThat(denied(admitPod("win", windows(app("acme/mixed:1.0")))))
        .contains("[run-as-non-root] windows/amd64: image USER \"ContainerAdministrator\" is the administrator")
        .doesNotContain("linux");
    allowed(admitPod("lin", spec(app("acme/mixed:1.0")).build()));
  }

  @Test
  void aWindowsDeploymentTemplateIsJudgedOnTheWindowsChild() {
    assertThat(denied(review(Reviews.create(deployment("win", windows(app("acme/mixed:1.0")))))))
        .contains("windows/amd64: image USER \"ContainerAdministrator\" is the administrator");
    allowed(review(Reviews.create(deployment("win-user", windows(new ContainerBuilder(app("acme/mixed:1.0"))
        .withNewSecurityContext().withWindowsOptions(new WindowsSecurityContextOptions(null, null, null, "ContainerUser"))
        .endSecurityContext().build())))));
  }

  @Test
  void anAmd64PinnedPodIsNotDeniedForTheArm64ChildsRootUser() {
    allowed(admitPod("amd64", spec(app("acme/arch:1.0")).withNodeSelector(Map.of("kubernetes.io/arch", "amd64")).build()));
    allowed(admitPod("beta", spec(app("acme/arch:1.0")).withNodeSelector(Map.of("beta.kubernetes.io/arch", "amd64")).build()));
    assertThat(denied(admitPod("anywhere", spec(app("acme/arch:1.0")).build())))
        .contains("image runs as root (no USER)").contains("(on linux/arm64/v8)");
    assertThat(denied(admitPod("arm64", affinity(spec(app("acme/arch:1.0")), term("kubernetes.io/arch", "In", "arm64")))))
        .contains("image runs as root (no USER)").doesNotContain("(on ");
  }

  @Test
  void nodeSelectorAffinityAndSpecOsIntersect() {
    // affinity allows arm64 or windows; the nodeSelector keeps linux: only linux/arm64 is left (root)
    PodSpec linuxArm = affinity(spec(app("acme/arch:1.0")).withNodeSelector(Map.of("kubernetes.io/os", "linux")),
        term("kubernetes.io/arch", "In", "arm64"), term("kubernetes.io/os", "In", "windows"));
    assertThat(denied(admitPod("linux-arm", linuxArm))).contains("image runs as root");
    // affinity terms ORed: amd64 or a term about zones only (= anywhere): unconstrained, both children judged
    PodSpec anywhere = affinity(spec(app("acme/arch:1.0")), term("kubernetes.io/arch", "In", "amd64"),
        term("topology.kubernetes.io/zone", "In", "eu-1a"));
    assertThat(denied(admitPod("zone", anywhere))).contains("(on linux/arm64/v8)");
    // spec.os windows and a beta arch label: the windows child
    PodSpec windowsAmd64 = spec(app("acme/mixed:1.0")).withOs(new PodOS("windows"))
        .withNodeSelector(Map.of("beta.kubernetes.io/arch", "amd64")).build();
    assertThat(denied(admitPod("win-amd64", windowsAmd64))).contains("windows/amd64: image USER \"ContainerAdministrator\"");
  }

  @Test
  void aWindowsOnlyImageWithoutConstraintIsJudgedAsWindows() {
    allowed(admitPod("winuser", spec(app("acme/winuser:1.0")).build()));
    assertThat(denied(admitPod("winadmin", spec(app("acme/winadmin:1.0")).build())))
        .contains("[run-as-non-root] windows/amd64: image runs as ContainerAdministrator (no USER)")
        .doesNotContain("image-unavailable");
  }

  @Test
  void runAsUserNameOfTheContainerBeatsThePods() {
    PodSpec containerAdmin = spec(new ContainerBuilder(app("acme/winuser:1.0")).withNewSecurityContext()
        .withWindowsOptions(new WindowsSecurityContextOptions(null, null, null, "ContainerAdministrator")).endSecurityContext().build())
        .withNewSecurityContext().withWindowsOptions(new WindowsSecurityContextOptions(null, null, null, "ContainerUser")).endSecurityContext()
        .build();
    assertThat(denied(admitPod("container-admin", containerAdmin)))
        .contains("windows/amd64: windowsOptions.runAsUserName \"ContainerAdministrator\" is the administrator");
    PodSpec podUser = spec(app("acme/winadmin:1.0"))
        .withNewSecurityContext().withWindowsOptions(new WindowsSecurityContextOptions(null, null, null, "ContainerUser")).endSecurityContext()
        .build();
    allowed(admitPod("pod-user", podUser));
  }

  @Test
  void aPodPinnedWhereTheImageHasNoPlatformIsToldSo() {
    String message = denied(admitPod("nowhere", spec(app("nginx:1.27")).withNodeSelector(Map.of("kubernetes.io/arch", "arm64")).build()));
    assertThat(message).contains("[image-unavailable]")
        .contains("the pod can only be scheduled to arch arm64, and the image has only linux/amd64: the pod could not start there");
  }

  @Test
  void withAllowUserNamespacesAPodWithoutHostUsersMayRunAsRoot() {
    allowed(admitPod("userns", spec(app("nginx:1.27")).withHostUsers(false).build()));
    assertThat(denied(admitPod("host-users", spec(app("nginx:1.27")).withHostUsers(true).build()))).contains("image runs as root");
    assertThat(denied(admitPod("default", spec(app("nginx:1.27")).build()))).contains("image runs as root");
  }
}
