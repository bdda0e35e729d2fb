package dev.imagegate.cli;

import dev.imagegate.cli.CheckReport.Result;
import dev.imagegate.cli.ManifestReader.Contents;
import dev.imagegate.cli.ManifestReader.Found;
import dev.imagegate.cli.ManifestReader.InputError;
import dev.imagegate.policy.Finding;
import dev.imagegate.policy.Judgement;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.policy.Subject;
import dev.imagegate.workload.Workload;
import dev.imagegate.workload.Workloads;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Files → workloads → the admission engine → a {@link CheckReport}. Decides nothing of its own: what
 * an admission would skip (an exempt namespace, a mirror pod) it skips, the rest the engine judges.
 */
final class Check {
  /** Distinct images read at once. */
  static final int CONCURRENCY = 8;

  private final PolicyEngine engine;
  private final boolean offline;

  Check(PolicyEngine engine, boolean offline) {
    this.engine = engine;
    this.offline = offline;
  }

  CheckReport run(List<String> files, List<String> images, String namespace, InputStream stdin) throws InterruptedException {
    Contents read = new Contents(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (String file : files) {
      readSource(file, stdin, read);
    }
    for (String image : images) {
      read.workloads().add(new Found("--image", 0, Workloads.of(new PodBuilder()
          .withNewMetadata().withName(podName(image)).endMetadata()
          .withNewSpec().addNewContainer().withName("image").withImage(image).endContainer().endSpec().build()), Map.of()));
    }
    List<Found> judged = new ArrayList<>();
    List<Subject> subjects = new ArrayList<>();
    List<Result> results = new ArrayList<>();
    List<Integer> slots = new ArrayList<>();
    for (Found found : read.workloads()) {
      Workload workload = found.workload().namespace() == null ? found.workload().inNamespace(namespace) : found.workload();
      String skip = workload.isMirrorPod() ? "mirror pod" : engine.namespaceExempt(workload.namespace()) ? "namespace exempt" : null;
      results.add(new Result(found.source(), found.line(), workload, found.imageLines(), List.of(), List.of(), List.of(), Map.of(), skip));
      if (skip == null) {
        slots.add(results.size() - 1);
        judged.add(found);
        subjects.add(workload.subject(null)); // no cluster: no namespace label, the configuration's modes
      }
    }
    List<Judgement> judgements = engine.judgeAll(subjects, CONCURRENCY);
    for (int i = 0; i < judgements.size(); i++) {
      Result before = results.get(slots.get(i));
      Judgement judgement = judgements.get(i);
      List<Finding> findings = judgement.verdict().findings();
      if (offline) { // not read on purpose: no finding, the rules say "not evaluated"
        findings = findings.stream().filter(f -> !PolicyEngine.IMAGE_UNAVAILABLE.equals(f.ruleId())).toList();
      }
      results.set(slots.get(i), new Result(before.source(), before.line(), before.workload(), before.imageLines(), findings,
          judgement.verdict().excepted(), judgement.verdict().notices(), judgement.rules(), null));
    }
    return new CheckReport(results, read.skipped(), read.errors(), offline);
  }

  private static void readSource(String file, InputStream stdin, Contents into) {
    if ("-".equals(file)) {
      try {
        merge(ManifestReader.read("-", new String(stdin.readAllBytes(), StandardCharsets.UTF_8)), into);
      } catch (IOException e) {
        into.errors().add(new InputError("-", 0, "cannot read standard input: " + e.getMessage()));
      }
      return;
    }
    Path path = Path.of(file);
    if (Files.isDirectory(path)) {
      try (Stream<Path> walk = Files.walk(path)) {
        for (Path p : walk.filter(Files::isRegularFile).filter(Check::isManifest).sorted().toList()) {
          readFile(p, into);
        }
      } catch (IOException e) {
        into.errors().add(new InputError(file, 0, "cannot read directory: " + e.getMessage()));
      }
    } else if (Files.isRegularFile(path)) {
      readFile(path, into);
    } else {
      into.errors().add(new InputError(file, 0, "no such file or directory"));
    }
  }

  private static boolean isManifest(Path p) {
    String name = p.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
  }

  private static void readFile(Path path, Contents into) {
    try {
      merge(ManifestReader.read(path.toString(), Files.readString(path)), into);
    } catch (IOException e) {
      into.errors().add(new InputError(path.toString(), 0, "cannot read: " + e.getClass().getSimpleName()));
    }
  }

  private static void merge(Contents from, Contents into) {
    into.workloads().addAll(from.workloads());
    into.skipped().addAll(from.skipped());
    into.errors().addAll(from.errors());
  }

  /** A readable pod name for an image given alone (the last path segment of its repository). */
  private static String podName(String image) {
    String name = image.replaceAll("@.*$", "");
    name = name.substring(name.lastIndexOf('/') + 1).replaceAll(":.*$", "").toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    return name.isEmpty() ? "image" : name;
  }
}
