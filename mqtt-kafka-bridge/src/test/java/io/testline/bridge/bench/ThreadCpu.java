package io.testline.bridge.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time of this JVM's threads between two points, summed by thread name with digits blanked (a "group"): what each
 * part costs per message does not depend on how busy the rest of the machine is, unlike a rate. Only threads alive at
 * both points count, so take {@link #stop} before closing the clients measured.
 */
final class ThreadCpu {
  private final Map<String, Long> before = byGroup();
  private Map<String, Long> spent;

  static ThreadCpu start() {
    return new ThreadCpu();
  }

  ThreadCpu stop() {
    Map<String, Long> after = byGroup();
    spent = new HashMap<>();
    after.forEach((group, cpu) -> {
      long delta = cpu - before.getOrDefault(group, 0L);
      if (delta > 0) {
        spent.put(group, delta);
      }
    });
    return this;
  }

  /** Microseconds per message of the groups {@code own} accepts. */
  double usPerMessage(Predicate<String> own, long messages) {
    return spent.entrySet().stream().filter(e -> own.test(e.getKey())).mapToLong(Map.Entry::getValue).sum()
        / 1e3 / Math.max(1, messages);
  }

  /** One line: total, then the groups {@code own} accepts, then the largest others. */
  String describe(String label, Predicate<String> own, long messages) {
    StringBuilder line = new StringBuilder(String.format("%s: own threads %.1f us/msg [", label,
        usPerMessage(own, messages)));
    appendTop(line, own, messages, 8);
    line.append("]; whole JVM ").append(String.format("%.1f", usPerMessage(g -> true, messages)))
        .append(" us/msg, largest others [");
    appendTop(line, own.negate(), messages, 5);
    return line.append(']').toString();
  }

  private void appendTop(StringBuilder line, Predicate<String> which, long messages, int limit) {
    spent.entrySet().stream().filter(e -> which.test(e.getKey()))
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
        .forEach(e -> line.append(String.format(" %s %.1f;", e.getKey(), e.getValue() / 1e3 / Math.max(1, messages))));
  }

  private static Map<String, Long> byGroup() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> byGroup = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = threads.getThreadCpuTime(info.getThreadId());
      if (cpu > 0) {
        byGroup.merge(info.getThreadName().replaceAll("[0-9a-f]{8,}|[0-9]+", "#"), cpu, Long::sum);
      }
    }
    return byGroup;
  }
}
