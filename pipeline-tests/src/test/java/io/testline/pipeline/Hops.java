package io.testline.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The per-hop latencies of the measured runs that have every timestamp, in epoch milliseconds of this machine's one
 * clock: the agent's end of the run ({@code occurredAt}, journaled with it) → the bridge's MQTT receipt → the Kafka
 * record of run.finished (CreateTime) → the result-consumer's trigger (inside its transaction) → its commit (NOTIFY);
 * and Kafka record → the shopfloor-bridge's verdict record → the verdict at the station.
 */
final class Hops {
  private final Map<String, ConcurrentLinkedQueue<Long>> hops = new LinkedHashMap<>();
  private int runs;

  private Hops() {
    for (String name : List.of("endedReceived", "receivedProduced", "producedTrigger", "triggerCommit",
        "producedStored", "producedVerdict", "verdictStation", "endedStored", "endedStation", "endedJournaled")) {
      hops.put(name, new ConcurrentLinkedQueue<>());
    }
  }

  /** {@code wallTimes}: measured run → {bench's end after execute() returned, verdict at the station}. */
  static Hops of(Map<UUID, long[]> wallTimes, KafkaStamps kafka, StoredListener stored) {
    Hops h = new Hops();
    wallTimes.forEach((runId, wall) -> {
      KafkaStamps.Finished f = kafka.finished(runId);
      StoredListener.Stored s = stored.stored(runId);
      Long verdict = kafka.verdictProduced(runId);
      if (f == null || f.receivedMs() < 0 || s == null || verdict == null) {
        return;
      }
      h.runs++;
      long triggerMs = s.triggerMicros() / 1000;
      h.add("endedReceived", f.receivedMs() - f.endedMs());
      h.add("receivedProduced", f.producedMs() - f.receivedMs());
      h.add("producedTrigger", triggerMs - f.producedMs());
      h.add("triggerCommit", s.committedMs() - triggerMs);
      h.add("producedStored", s.committedMs() - f.producedMs());
      h.add("producedVerdict", verdict - f.producedMs());
      h.add("verdictStation", wall[1] - verdict);
      h.add("endedStored", s.committedMs() - f.endedMs());
      h.add("endedStation", wall[1] - f.endedMs());
      h.add("endedJournaled", wall[0] - f.endedMs());
    });
    return h;
  }

  private void add(String hop, long ms) {
    hops.get(hop).add(ms * 1_000_000);
  }

  /** {@code hopRuns=N name=p50/p99 ...} for the RESULT line. */
  String result() {
    List<String> parts = new ArrayList<>();
    parts.add("hopRuns=" + runs);
    hops.forEach((name, values) -> {
      long[] sorted = BenchStations.sortedMillis(values);
      parts.add(name + "=" + BenchStations.pct(sorted, 50) + "/" + BenchStations.pct(sorted, 99));
    });
    return String.join(" ", parts);
  }
}
