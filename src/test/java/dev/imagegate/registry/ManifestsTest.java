package dev.imagegate.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagegate.image.Digest;
import dev.imagegate.image.ImageFacts;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Manifests and indexes are read leniently: fields imagegate does not use never make an image unreadable. */
class ManifestsTest {
  static final Digest D1 = Digest.parse("sha256:" + "a".repeat(64));
  static final Digest D2 = Digest.parse("sha256:" + "b".repeat(64));

  private static Manifests.Parsed parse(String json, String contentType) throws ImageFetchException {
    return Manifests.parse(json.getBytes(StandardCharsets.UTF_8), contentType);
  }

  @Test
  void anIndexWithFieldsOfNewerSpecsAndOddAnnotations() throws Exception {
    Manifests.Parsed parsed = parse("""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","artifactType":"application/x-sbom",
         "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%1$s","size":1},
         "manifests":[
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%1$s","size":7,"data":"e30=","urls":["https://x"],
           "artifactType":"x","platform":{"os":"linux","architecture":"amd64","os.features":["a"],"future":{"deep":true}},
           "annotations":{"a":"b","n":1,"o":{"nested":"object"}}},
          {"digest":"%2$s","platform":{"os":"linux","architecture":"arm64","variant":"v8"}}
         ],"annotations":{"x":"y"},"somethingNew":[1,2,3]}
        """.formatted(D1, D2), null);

    assertThat(parsed).isInstanceOf(Manifests.Index.class);
    assertThat(((Manifests.Index) parsed).entries()).extracting(IndexEntry::digest, IndexEntry::platform)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(D1, "linux/amd64"), org.assertj.core.groups.Tuple.tuple(D2, "linux/arm64"));
    assertThat(((Manifests.Index) parsed).entries().get(0).annotations()).containsEntry("a", "b").containsEntry("n", "1").doesNotContainKey("o");
  }

  @Test
  void anImageManifestIsKnownByItsMediaTypeHeaderOrShape() throws Exception {
    String bare = "{\"schemaVersion\":2,\"config\":{\"digest\":\"" + D1 + "\"},\"layers\":[]}";

    assertThat(parse(bare, null)).isEqualTo(new Manifests.Image(D1, 0));
    assertThat(parse(bare, "application/vnd.docker.distribution.manifest.v2+json; charset=utf-8")).isEqualTo(new Manifests.Image(D1, 0));
    assertThat(parse("{\"schemaVersion\":2,\"manifests\":[]}", null)).isEqualTo(new Manifests.Index(java.util.List.of()));
  }

  @Test
  void anImageWeighsTheSumOfItsLayers() throws Exception {
    String layers = "{\"schemaVersion\":2,\"config\":{\"digest\":\"" + D1 + "\",\"size\":7023},\"layers\":["
        + "{\"digest\":\"" + D2 + "\",\"size\":28231123},{\"digest\":\"" + D2 + "\",\"size\":44719402}]}";
    assertThat(parse(layers, null)).isEqualTo(new Manifests.Image(D1, 72_950_525));
    String unsized = "{\"schemaVersion\":2,\"config\":{\"digest\":\"" + D1 + "\"},\"layers\":[{\"digest\":\"" + D2 + "\"}]}";
    assertThat(parse(unsized, null)).isEqualTo(new Manifests.Image(D1, ImageFacts.UNKNOWN));
    assertThat(parse("{\"schemaVersion\":2,\"config\":{\"digest\":\"" + D1 + "\"}}", null))
        .isEqualTo(new Manifests.Image(D1, ImageFacts.UNKNOWN));
  }

  @Test
  void artifactsAreNotImages() {
    assertThatThrownBy(() -> parse("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.cncf.helm.config.v1+json\",\"digest\":\"" + D1 + "\"}}", null))
        .hasMessage("not a container image: an artifact of type application/vnd.cncf.helm.config.v1+json");
    assertThatThrownBy(() -> parse("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\"application/vnd.dev.sigstore.bundle+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + D1 + "\"}}", null))
        .hasMessage("not a container image: an artifact of type application/vnd.dev.sigstore.bundle+json");
  }

  @Test
  void whatCannotBeUsedIsRefusedWithAReason() {
    assertThatThrownBy(() -> parse("{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}", null)).hasMessage("Docker schema 1 manifests are not supported");
    assertThatThrownBy(() -> parse("[1,2]", null)).hasMessage("invalid manifest: not a JSON object");
    assertThatThrownBy(() -> parse("{\"schemaVersion\":2,", null)).hasMessage("invalid manifest: not JSON");
    assertThatThrownBy(() -> parse("{\"schemaVersion\":2,\"config\":{\"digest\":\"md5:x\"}}", null)).hasMessage("invalid manifest: no config digest");
    assertThatThrownBy(() -> parse("{\"schemaVersion\":2,\"manifests\":[{\"platform\":{}}]}", null))
        .hasMessage("invalid image index: an entry has no valid digest");
    assertThatThrownBy(() -> parse("{\"schemaVersion\":2,\"mediaType\":\"text/html\"}", null))
        .hasMessage("not an image manifest or index (media type text/html)");
  }
}
