package io.testline.web.support;

import io.testline.schemas.Event;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.StepOutcome;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Some days of a line's runs with known outcomes, for the yield page's tests: units through ICT then FCT on several
 * stations, first runs that fail and retests (some after the window), failed runs with one or two failing steps or
 * none (crashed, timed out), a unit first tested before the window and runs never finished. It also counts, with its
 * own plain code, what the yield page should show, so the test compares the page with an independent answer.
 */
public final class LineHistory {
  /** One run as seeded; {@code outcome} null for a run that never finished. */
  public record Seeded(String runId, String serial, String operation, String station, Instant startedAt,
      String outcome, List<String> failingSteps) {
    boolean finished() {
      return outcome != null;
    }
  }

  /** What a yield row shows: units, first pass, final pass, retested, runs. */
  public record Counts(long units, long firstPass, long finalPass, long retested, long runs) {}

  private static final Map<String, List<String>> STEPS = Map.of(
      "ICT", List.of("Shorts/Opens", "Resistors/R12", "Capacitors/C7", "Diodes/D3"),
      "FCT", List.of("Power/Rails/5V0", "Power/Rails/3V3", "Comms/UART loopback", "Flash/Program", "RF/TX power"));
  private static final Map<String, List<String>> STATIONS = Map.of(
      "ICT", List.of("ICT-L1-01"), "FCT", List.of("FCT-L1-01", "FCT-L1-02"));

  private final List<Seeded> runs = new ArrayList<>();
  private final List<Event<?>> events = new ArrayList<>();
  private final Map<String, Events> agents = new HashMap<>();
  private final Random random = new Random(23);

  /** {@code days} days of {@code unitsPerDay} units from {@code start} (UTC midnight), plus the edge cases. */
  public static LineHistory seed(Instant start, int days, int unitsPerDay) {
    LineHistory h = new LineHistory();
    for (int d = 0; d < days; d++) {
      for (int u = 0; u < unitsPerDay; u++) {
        String serial = String.format("PCB%02d%03d", d, u);
        Instant t = start.plus(Duration.ofDays(d)).plusSeconds(h.random.nextInt(20 * 3600));
        t = h.unit(serial, "ICT", t, d < 2 ? 0.88 : 0.93);
        h.unit(serial, "FCT", t.plusSeconds(600 + h.random.nextInt(3600)), 0.74 + 0.04 * d);
      }
    }
    // tested first the evening before the window: not a unit of the window, though its retest is in it
    h.run("PCB-EARLY", "ICT", "ICT-L1-01", start.minusSeconds(4 * 3600), "FAIL", List.of("Shorts/Opens"));
    h.run("PCB-EARLY", "ICT", "ICT-L1-01", start.plusSeconds(3600), "PASS", List.of());
    // failed at the window's last minutes, passed its retest after the window: final yield counts that pass
    Instant end = start.plus(Duration.ofDays(days));
    h.run("PCB-LATE", "FCT", "FCT-L1-02", end.minusSeconds(600), "FAIL", List.of("Power/Rails/3V3", "RF/TX power"));
    h.run("PCB-LATE", "FCT", "FCT-L1-01", end.plusSeconds(1800), "PASS", List.of());
    // never finished: counts nowhere; a unit whose retest is still running has not been retested yet
    h.run("PCB-OPEN", "FCT", "FCT-L1-01", start.plusSeconds(5 * 3600), null, List.of());
    h.run("PCB-HALF", "FCT", "FCT-L1-02", start.plusSeconds(7 * 3600), "FAIL", List.of("Flash/Program"));
    h.run("PCB-HALF", "FCT", "FCT-L1-02", start.plusSeconds(8 * 3600), null, List.of());
    return h;
  }

  /** A unit at an operation: its first run, and retests until it passes or is given up; returns when it left. */
  private Instant unit(String serial, String operation, Instant t, double passRate) {
    List<String> stations = STATIONS.get(operation);
    for (int attempt = 1; attempt <= 3; attempt++) {
      String station = stations.get(random.nextInt(stations.size()));
      if (random.nextDouble() < (attempt == 1 ? passRate : 0.8)) {
        run(serial, operation, station, t, "PASS", List.of());
        return t;
      }
      double kind = random.nextDouble();
      if (kind < 0.06) {
        run(serial, operation, station, t, "CRASHED", List.of());
      } else if (kind < 0.1) {
        run(serial, operation, station, t, "TIMEOUT", List.of());
      } else {
        List<String> steps = STEPS.get(operation);
        List<String> failing = new ArrayList<>(List.of(steps.get(pareto(steps.size()))));
        if (random.nextDouble() < 0.3) {
          // a later step fails too; only the first one is the run's cause
          int first = steps.indexOf(failing.get(0));
          if (first + 1 < steps.size()) {
            failing.add(steps.get(first + 1 + random.nextInt(steps.size() - first - 1)));
          }
        }
        run(serial, operation, station, t, kind < 0.18 ? "ERROR" : "FAIL", failing);
      }
      if (random.nextDouble() < 0.15) {
        return t;
      }
      t = t.plusSeconds(900 + random.nextInt(3 * 3600));
    }
    return t;
  }

  /** An index skewed towards the first steps, as real failures are. */
  private int pareto(int n) {
    double x = random.nextDouble();
    return Math.min(n - 1, (int) Math.floor(n * x * x));
  }

  private void run(String serial, String operation, String station, Instant t, String outcome,
      List<String> failing) {
    Events agent = agents.computeIfAbsent(station, Events::new);
    int attempt = (int) runs.stream().filter(r -> r.serial().equals(serial) && r.operation().equals(operation))
        .count() + 1;
    Events.Run run = agent.run(serial, operation, attempt, t);
    events.add(run.started());
    for (String step : STEPS.get(operation)) {
      boolean fails = failing.contains(step);
      StepOutcome o = !fails ? StepOutcome.PASS : "ERROR".equals(outcome) && step.equals(failing.get(0))
          ? StepOutcome.ERROR : StepOutcome.FAIL;
      if ("CRASHED".equals(outcome) || "TIMEOUT".equals(outcome)) {
        // the program died in its second step: that step never reported
        if (STEPS.get(operation).indexOf(step) >= 1) {
          break;
        }
      }
      events.add(run.step(step, o));
    }
    if (outcome != null) {
      RunOutcome o = RunOutcome.valueOf(outcome);
      events.add(run.finished(o, o == RunOutcome.CRASHED || o == RunOutcome.TIMEOUT ? null : o == RunOutcome.PASS
          ? 0 : 1, o == RunOutcome.CRASHED ? "SIGSEGV" : o == RunOutcome.TIMEOUT ? "SIGKILL" : null));
    }
    runs.add(new Seeded(run.runId().toString(), serial, operation, station, t, outcome, List.copyOf(failing)));
  }

  public List<Event<?>> events() {
    return List.copyOf(events);
  }

  public List<Seeded> runs() {
    return List.copyOf(runs);
  }

  public long finishedRuns() {
    return runs.stream().filter(Seeded::finished).count();
  }

  /**
   * The yield rows for units whose first finished run of an operation started in [from, to) (at {@code station}
   * and {@code operation} when not null), by {@code by}: group key as the page writes it → counts.
   */
  public Map<String, Counts> yields(Instant from, Instant to, String station, String operation, String by) {
    Map<List<String>, List<Seeded>> units = runs.stream().filter(Seeded::finished)
        .sorted(Comparator.comparing(Seeded::startedAt))
        .collect(Collectors.groupingBy(r -> List.of(r.serial(), r.operation()), LinkedHashMap::new,
            Collectors.toList()));
    Map<String, long[]> out = new TreeMap<>();
    for (List<Seeded> unitRuns : units.values()) {
      Seeded first = unitRuns.get(0);
      Seeded last = unitRuns.get(unitRuns.size() - 1);
      if (first.startedAt().isBefore(from) || !first.startedAt().isBefore(to)
          || (station != null && !station.equals(first.station()))
          || (operation != null && !operation.equals(first.operation()))) {
        continue;
      }
      long[] c = out.computeIfAbsent(key(first, by), k -> new long[5]);
      c[0]++;
      c[1] += first.outcome().equals("PASS") ? 1 : 0;
      c[2] += last.outcome().equals("PASS") ? 1 : 0;
      c[3] += unitRuns.size() > 1 ? 1 : 0;
      c[4] += unitRuns.size();
    }
    Map<String, Counts> counts = new TreeMap<>();
    out.forEach((k, c) -> counts.put(k, new Counts(c[0], c[1], c[2], c[3], c[4])));
    return counts;
  }

  /** The Pareto: failed runs started in [from, to), by first failing step (or "no failing step (OUTCOME)"). */
  public Map<String, Long> pareto(Instant from, Instant to) {
    return runs.stream().filter(r -> r.finished() && !r.outcome().equals("PASS"))
        .filter(r -> !r.startedAt().isBefore(from) && r.startedAt().isBefore(to))
        .collect(Collectors.groupingBy(r -> r.failingSteps().isEmpty() ? "no failing step (" + r.outcome() + ")"
            : r.failingSteps().get(0), TreeMap::new, Collectors.counting()));
  }

  /** A unit's group: its station or operation, or the local (UTC) start of its day or shift (06, 14, 22 h). */
  private static String key(Seeded first, String by) {
    LocalDateTime t = LocalDateTime.ofInstant(first.startedAt(), ZoneOffset.UTC);
    Function<Integer, String> at = h -> t.toLocalDate().atTime(h, 0).toString();
    return switch (by) {
      case "station" -> first.station();
      case "operation" -> first.operation();
      case "day" -> at.apply(0);
      case "shift" -> t.getHour() >= 22 ? at.apply(22) : t.getHour() >= 14 ? at.apply(14) : t.getHour() >= 6
          ? at.apply(6) : t.toLocalDate().minusDays(1).atTime(22, 0).toString();
      default -> throw new IllegalArgumentException(by);
    };
  }
}
