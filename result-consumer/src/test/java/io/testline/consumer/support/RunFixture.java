package io.testline.consumer.support;

import io.testline.schemas.Comparator;
import io.testline.schemas.Counts;
import io.testline.schemas.Event;
import io.testline.schemas.LogLine;
import io.testline.schemas.LogStream;
import io.testline.schemas.LogSummary;
import io.testline.schemas.Measurement;
import io.testline.schemas.MeasurementOutcome;
import io.testline.schemas.Program;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunLog;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.ShopfloorVerdict;
import io.testline.schemas.StationBirth;
import io.testline.schemas.StationHeartbeat;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import io.testline.schemas.UnitUnderTest;
import io.testline.schemas.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A deterministic production day: {@code units} units tested once each, and the first {@code retests} of them
 * tested a second time. Unit {@code u} is tested at station {@code ST-(u % 10)} with program {@code prog-(u % 2)};
 * its first attempt fails at step {@code Power/Rails/5V0} when {@code u % 7 == 0}; retests pass. Every run has two
 * steps (the second with two measurements), one stdout log chunk (a second, stderr, one for every 100th run) and a
 * shopfloor verdict.
 */
public final class RunFixture {
  public static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");
  public static final int STATIONS = 10;
  public static final String FAILING_STEP = "Power/Rails/5V0";

  /** One run's events by topic kind, in the order the station emits them. */
  public record Run(int index, int unit, int attempt, UUID runId, String serial, String station, String program,
      boolean passed, Instant startedAt, List<Event<?>> events, List<Event<?>> logs, Event<?> verdict) {}

  private RunFixture() {}

  public static String serial(int unit) {
    return String.format("SN%05d", unit);
  }

  public static String station(int unit) {
    return "ST-" + (unit % STATIONS);
  }

  public static String program(int unit) {
    return "prog-" + (unit % 2);
  }

  public static boolean firstAttemptPasses(int unit) {
    return unit % 7 != 0;
  }

  public static List<Run> runs(int units, int retests) {
    List<Run> runs = new ArrayList<>(units + retests);
    for (int u = 0; u < units; u++) {
      runs.add(run(runs.size(), u, 1));
    }
    for (int u = 0; u < retests; u++) {
      runs.add(run(runs.size(), u, 2));
    }
    return runs;
  }

  /** A birth and two heartbeats per station, the newer heartbeat first, so a late older one must not win. */
  public static List<Event<?>> stationEvents() {
    List<Event<?>> out = new ArrayList<>();
    for (int s = 0; s < STATIONS; s++) {
      String station = "ST-" + s;
      UUID session = new UUID(0x1000 + s, 1);
      out.add(Event.of(station, session, 0, T0.minusSeconds(3600), new StationBirth("1.0." + s, "cfg-" + s,
          "plant-1", "L1", "host-" + s, "linux", 1L << 30, Map.of("bay", String.valueOf(s)))));
      out.add(Event.of(station, session, 2, T0.plusSeconds(60), heartbeat(2)));
      out.add(Event.of(station, session, 1, T0, heartbeat(1)));
    }
    return out;
  }

  private static StationHeartbeat heartbeat(long depth) {
    return new StationHeartbeat(depth, 100L * depth, 1L << 30, false, 0, 10_000_000L, 1000L * depth, null, null, null);
  }

  private static Run run(int index, int unit, int attempt) {
    String serial = serial(unit);
    String station = station(unit);
    String program = program(unit);
    boolean passed = attempt > 1 || firstAttemptPasses(unit);
    UUID runId = new UUID(0x7000_0000_0000_0000L | index, 0x8000_0000_0000_0000L | unit);
    UUID session = new UUID(0x2000 + index, 2);
    Instant start = T0.plusSeconds(index);
    Program prog = new Program(program, "1.2", "sha256:" + "ab".repeat(32));
    List<UnitUnderTest> units = List.of(UnitUnderTest.of(serial));
    RunStarted started = new RunStarted(runId, serial, units, "PCB-1", "A", prog, "op-" + (unit % 3), "WO-1",
        attempt, "FCT", "OP40");
    Step boot = new Step("Boot", "Boot", 0, start.plusMillis(100), start.plusMillis(400), StepOutcome.PASS,
        null, null, null, null);
    double v = passed ? 5.01 : 5.61;
    Step rail = new Step("5V0 rail", FAILING_STEP, 1, start.plusMillis(400), start.plusMillis(900),
        passed ? StepOutcome.PASS : StepOutcome.FAIL,
        List.of(new Measurement("v_5v0", v, null, "V", 4.75, 5.25, Comparator.GELE, 5.0,
                passed ? MeasurementOutcome.PASS : MeasurementOutcome.FAIL, false),
            new Measurement("i_5v0", 0.4 + unit % 10 / 100.0, null, "A", null, null, Comparator.LOG, null,
                MeasurementOutcome.UNSET, null)),
        passed ? null : "E-5V0-HIGH", passed ? null : "5V0 rail above high limit", null);
    boolean twoChunks = index % 100 == 0;
    RunFinished finished = new RunFinished(runId, serial, units, "PCB-1", "A", prog, "op-" + (unit % 3), "WO-1",
        attempt, "FCT", "OP40", start, start.plusMillis(1000), 1000, passed ? RunOutcome.PASS : RunOutcome.FAIL,
        passed ? 0 : 1, null, null, passed ? null : "E-5V0-HIGH", passed ? null : "5V0 rail above high limit",
        passed ? null : FAILING_STEP, new Counts(2, passed ? 2 : 1, passed ? 0 : 1, 0L, 0L, 2L, passed ? 0L : 1L),
        new LogSummary(twoChunks ? 4 : 3, 60, twoChunks ? 2 : 1, "00".repeat(32)), List.of(boot, rail));
    List<Event<?>> events = List.of(
        Event.of(station, session, 0, start, started),
        Event.of(station, session, 1, start.plusMillis(400), new RunStep(runId, serial, boot)),
        Event.of(station, session, 2, start.plusMillis(900), new RunStep(runId, serial, rail)),
        Event.of(station, session, 5, start.plusMillis(1000), finished));
    List<Event<?>> logs = new ArrayList<>();
    logs.add(Event.of(station, session, 3, start.plusMillis(500), new RunLog(runId, serial, LogStream.STDOUT, 0, 1,
        List.of(LogLine.of(start.plusMillis(101), "starting " + serial),
            new LogLine(start.plusMillis(401), "measuring ", null, true),
            LogLine.of(start.plusMillis(401), "5V0 = " + v)), 40)));
    if (twoChunks) {
      logs.add(Event.of(station, session, 4, start.plusMillis(600), new RunLog(runId, serial, LogStream.STDERR, 1, 1,
          List.of(LogLine.of(start.plusMillis(550), "warning: fixture " + index)), 20)));
    }
    Event<?> verdict = Event.of(station, new UUID(0x3000, 3), index, start.plusMillis(2000),
        new ShopfloorVerdict(runId, serial, passed ? Verdict.ACCEPTED : Verdict.REJECTED, passed ? null : "R-FAIL",
            null, 1, 900L, "MES-" + index));
    return new Run(index, unit, attempt, runId, serial, station, program, passed, start, events, logs, verdict);
  }
}
