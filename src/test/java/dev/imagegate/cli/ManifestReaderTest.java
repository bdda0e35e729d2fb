package dev.imagegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagegate.cli.ManifestReader.Contents;
import org.junit.jupiter.api.Test;

/** Documents, lines and errors as the parser reports them, without a process. */
class ManifestReaderTest {
  @Test
  void aDocumentThatDoesNotParseIsReportedAtItsLastLineWhenTheParserRanPastItsEndAndTheOthersAreRead() {
    Contents read = ManifestReader.read("app.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: broken

        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: fine}
        spec:
          containers:
          - name: c
            image: nginx:1.27
        """);

    assertThat(read.errors()).singleElement().satisfies(error -> {
      assertThat(error.line()).isEqualTo(3);
      assertThat(error.message()).startsWith("not valid YAML (document from line 1): ").doesNotContain("broken");
    });
    assertThat(read.workloads()).singleElement().satisfies(found -> {
      assertThat(found.line()).isEqualTo(6);
      assertThat(found.imageLines()).containsEntry("c", 12);
    });
  }

  @Test
  void aListsItemsAreWorkloadsAtTheirOwnLinesAndOtherKindsAreSkipped() {
    Contents read = ManifestReader.read("-", """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Service
          metadata: {name: web}
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web}
          spec:
            template:
              spec:
                containers:
                - name: web
                  image: nginx:1.27
        """);

    assertThat(read.skipped()).singleElement().satisfies(skipped -> {
      assertThat(skipped.kind()).isEqualTo("Service");
      assertThat(skipped.line()).isEqualTo(4);
    });
    assertThat(read.workloads()).singleElement().satisfies(found -> {
      assertThat(found.line()).isEqualTo(7);
      assertThat(found.imageLines()).containsEntry("web", 15);
    });
  }
}
