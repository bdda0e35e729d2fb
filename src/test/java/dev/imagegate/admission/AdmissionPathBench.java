package dev.imagegate.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagegate.bench.BenchRegistry;
import dev.imagegate.config.ConfigLoader;
import dev.imagegate.config.ImagegateConfig;
import dev.imagegate.policy.LivePolicy;
import dev.imagegate.policy.PolicyEngine;
import dev.imagegate.registry.ImageResolver;
import dev.imagegate.registry.RegistryTesting;
import dev.imagegate.testing.LocalRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * For the benchmarks ({@code bench/admission-path.sh}), not a test: the admission path in-process,
 * without TLS or HTTP — reading the review, judging it over the real resolver and its caches (the
 * benchmark's images in the real registry, each read once), formatting the decision line, writing
 * the answer's bytes — as {@link ValidateResource} does, on one thread. Configurations take turns,
 * round after round, so both meet the same machine. Prints, per review and configuration, the
 * median time per admission and the bytes allocated per admission: the latter counted by the JVM for
 * the thread, the same on a busy machine as on a quiet one.
 *
 * <p>{@code java -cp … dev.imagegate.admission.AdmissionPathBench ROUNDS NAME=EXTRA_CONFIG_FILE|NAME= … -- REVIEW…}
 */
public final class AdmissionPathBench {
  private static final int PER_ROUND = 2_000;
  private static final int WARM_ROUNDS = 10;

  private AdmissionPathBench() {}

  /** One configuration's path: its engine over the shared resolver. */
  private record Configured(String name, PolicyEngine engine) {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    int split = List.of(args).indexOf("--");
    List<String> configs = List.of(args).subList(1, split);
    List<byte[]> reviews = new ArrayList<>();
    for (String review : List.of(args).subList(split + 1, args.length)) {
      reviews.add(Files.readAllBytes(Path.of(review)));
    }
    ObjectMapper mapper = new ObjectMapper();
    AdmissionReviews reader = new AdmissionReviews(mapper);
    DecisionLog decisions = new DecisionLog(mapper);
    AdmissionHandler handler = new AdmissionHandler(new NamespaceModes(false, null));
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();

    try (LocalRegistry registry = LocalRegistry.startPlain("admission-path-bench")) {
      BenchRegistry.push(registry);
      String base = BenchRegistry.configuration(registry);
      ImagegateConfig first = ConfigLoader.parse(base);
      try (ImageResolver resolver = RegistryTesting.resolver(first.registries()).build()) {
        List<Configured> configurations = new ArrayList<>();
        for (String named : configs) {
          String name = named.substring(0, named.indexOf('='));
          String extra = named.substring(named.indexOf('=') + 1);
          String yaml = extra.isEmpty() ? base : base + Files.readString(Path.of(extra));
          configurations.add(new Configured(name, LivePolicy.Builder.over(resolver).build(ConfigLoader.parse(yaml)).engine()));
        }
        Duration budget = ValidateResource.budget("10s");
        Map<String, List<double[]>> samples = new LinkedHashMap<>(); // review|config -> [ns, bytes] per round
        for (int round = 0; round < WARM_ROUNDS + rounds; round++) {
          for (int r = 0; r < reviews.size(); r++) {
            for (Configured configured : configurations) {
              long bytes = threads.getThreadAllocatedBytes(self);
              long start = System.nanoTime();
              for (int i = 0; i < PER_ROUND; i++) {
                long began = System.nanoTime();
                AdmissionCall call = reader.read(reviews.get(r));
                Decision decision = handler.decide(call, budget, configured.engine()).join();
                decisions.line(call, decision, System.nanoTime() - began);
                reader.replyBytes(decision.response());
              }
              double nanos = (System.nanoTime() - start) / (double) PER_ROUND;
              double allocated = (threads.getThreadAllocatedBytes(self) - bytes) / (double) PER_ROUND;
              if (round >= WARM_ROUNDS) {
                samples.computeIfAbsent(r + "|" + configured.name(), k -> new ArrayList<>()).add(new double[] {nanos, allocated});
              }
            }
          }
        }
        System.out.printf("admission path in-process, %d rounds of %d admissions per review and configuration (after %d warm rounds)%n",
            rounds, PER_ROUND, WARM_ROUNDS);
        for (int r = 0; r < reviews.size(); r++) {
          System.out.printf("%s (%d bytes)%n", List.of(args).get(split + 1 + r), reviews.get(r).length);
          for (Configured configured : configurations) {
            List<double[]> mine = samples.get(r + "|" + configured.name());
            System.out.printf("  %-12s %8.1f us/admission (median)   %9.0f bytes allocated/admission%n", configured.name(),
                median(mine, 0) / 1_000, median(mine, 1));
          }
        }
      }
    }
  }

  private static double median(List<double[]> samples, int column) {
    double[] values = samples.stream().mapToDouble(s -> s[column]).sorted().toArray();
    return values.length % 2 == 1 ? values[values.length / 2] : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
  }
}
