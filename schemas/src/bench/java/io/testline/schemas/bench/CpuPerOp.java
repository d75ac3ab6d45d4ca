package io.testline.schemas.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The same candidates as {@link ValidatorBench}, measured in this thread's CPU time per validation rather than in
 * wall-clock throughput: on a machine shared with other builds, CPU time moves far less than a rate. Rounds alternate
 * between candidates so that a change in load hits all of them alike. Run:
 * {@code mvn -pl schemas -Pbench test-compile exec:exec -Dbench.main=io.testline.schemas.bench.CpuPerOp -Dbench.args=6}.
 */
public final class CpuPerOp {
  private static final long ROUND_NANOS = 300_000_000L;

  private CpuPerOp() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    System.out.printf("%-14s %-22s %12s%n", "payload", "candidate", "CPU us/op (median of rounds)");
    for (String payload : List.of("run.started", "run.step", "run.log100", "run.finished")) {
      byte[] bytes = Payloads.of(payload);
      String schemaFile = payload.replace("100", "") + "-1";
      Map<String, Predicate<byte[]>> candidates = new LinkedHashMap<>();
      candidates.put("jacksonTreeOnly", b -> Candidates.tree(b) != null);
      candidates.put("networkntAsConfigured", Candidates.networkntAsConfigured(schemaFile));
      candidates.put("networkntLean", Candidates.networkntLean(schemaFile));
      candidates.put("harrel", Candidates.harrel(schemaFile));
      candidates.put("sKema", Candidates.sKema(schemaFile));
      candidates.put("vertx", Candidates.vertx(schemaFile));
      Map<String, double[]> samples = new LinkedHashMap<>();
      candidates.keySet().forEach(name -> samples.put(name, new double[rounds]));
      for (int round = -2; round < rounds; round++) { // two rounds of warm-up
        for (var candidate : candidates.entrySet()) {
          long cpuStart = threads.getCurrentThreadCpuTime();
          long ops = 0;
          while (threads.getCurrentThreadCpuTime() - cpuStart < ROUND_NANOS) {
            for (int i = 0; i < 50; i++) {
              if (!candidate.getValue().test(bytes)) {
                throw new IllegalStateException(candidate.getKey() + " refused " + payload);
              }
            }
            ops += 50;
          }
          if (round >= 0) {
            samples.get(candidate.getKey())[round] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3 / ops;
          }
        }
      }
      samples.forEach((name, values) -> {
        java.util.Arrays.sort(values);
        System.out.printf("%-14s %-22s %12.1f%n", payload, name, values[values.length / 2]);
      });
    }
  }
}
