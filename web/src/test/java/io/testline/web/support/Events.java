package io.testline.web.support;

import io.testline.schemas.Attachment;
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
import io.testline.schemas.StationDeath;
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

/** What one station's agent sends, as events: its life (birth, heartbeat, death) and its runs. */
public final class Events {
  private final String station;
  private final UUID session = UUID.randomUUID();
  private long seq;

  public Events(String station) {
    this.station = station;
  }

  public String station() {
    return station;
  }

  public Event<?> birth(Instant at, String hostname) {
    return Event.of(station, session, seq++, at, new StationBirth("1.0.0", "cfg", "plant-1", "L1", hostname,
        "linux", 1L << 30, Map.of(), null));
  }

  public Event<?> heartbeat(Instant at, long journalDepth) {
    return Event.of(station, session, seq++, at, new StationHeartbeat(journalDepth, 100L * journalDepth, 1L << 30,
        false, 0, 10_000_000_000L, 1000L, null, null, null));
  }

  public Event<?> death(Instant at) {
    return Event.of(station, session, seq++, at, new StationDeath(false, "connection lost", null));
  }

  /** A run as the agent reports it; build its events in the order they happen. */
  public Run run(String serial, String operation, int attempt, Instant startedAt) {
    return new Run(UUID.randomUUID(), serial, operation, attempt, startedAt);
  }

  public final class Run {
    private final UUID runId;
    private final String serial;
    private final String operation;
    private final int attempt;
    private final Instant startedAt;
    private final List<Step> steps = new ArrayList<>();
    private long chunk;
    private long line;

    private Run(UUID runId, String serial, String operation, int attempt, Instant startedAt) {
      this.runId = runId;
      this.serial = serial;
      this.operation = operation;
      this.attempt = attempt;
      this.startedAt = startedAt;
    }

    public UUID runId() {
      return runId;
    }

    public String serial() {
      return serial;
    }

    public String operation() {
      return operation;
    }

    public Instant startedAt() {
      return startedAt;
    }

    public Event<?> started() {
      return Event.of(station, session, seq++, startedAt, new RunStarted(runId, serial,
          List.of(UnitUnderTest.of(serial)), "PCB-1", "A", program(), "op-1", "WO-7", attempt, "FCT", operation));
    }

    /** A step without measurements. */
    public Event<?> step(String name, StepOutcome outcome) {
      return step(name, name, outcome, List.of());
    }

    /** A step with one measurement {@code name} = value, limits low..high in {@code unit}. */
    public Event<?> measured(String stepName, String path, String name, double value, double low, double high,
        String unit) {
      boolean pass = value >= low && value <= high;
      return step(stepName, path, pass ? StepOutcome.PASS : StepOutcome.FAIL, List.of(new Measurement(name, value,
          null, unit, low, high, Comparator.GELE, (low + high) / 2, pass ? MeasurementOutcome.PASS
              : MeasurementOutcome.FAIL, false)));
    }

    /** A passed step that produced files, each referenced by path as the agent reports it. */
    public Event<?> attached(String name, Attachment... attachments) {
      return step(name, name, StepOutcome.PASS, List.of(), List.of(attachments));
    }

    /** A step with one measurement whose limits may be one-sided (null: no such limit); FAIL outside them. */
    public Event<?> measured(String stepName, String path, String name, double value, Double low, Double high,
        String unit, Comparator comparator) {
      boolean pass = (low == null || value >= low) && (high == null || value <= high);
      return step(stepName, path, pass ? StepOutcome.PASS : StepOutcome.FAIL, List.of(new Measurement(name, value,
          null, unit, low, high, comparator, null, pass ? MeasurementOutcome.PASS : MeasurementOutcome.FAIL,
          false)));
    }

    private Event<?> step(String name, String path, StepOutcome outcome, List<Measurement> measurements) {
      return step(name, path, outcome, measurements, null);
    }

    private Event<?> step(String name, String path, StepOutcome outcome, List<Measurement> measurements,
        List<Attachment> attachments) {
      int index = steps.size();
      Instant at = startedAt.plusMillis(100L * (index + 1));
      Step s = new Step(name, path, index, at.minusMillis(90), at, outcome, measurements,
          outcome == StepOutcome.FAIL ? "E-" + index : null, outcome == StepOutcome.FAIL ? name + " failed" : null,
          attachments);
      steps.add(s);
      return Event.of(station, session, seq++, at, new RunStep(runId, serial, s));
    }

    public Event<?> log(LogStream stream, String... lines) {
      List<LogLine> out = new ArrayList<>();
      for (String l : lines) {
        out.add(LogLine.of(startedAt.plusMillis(50 + line), l));
        line++;
      }
      long first = line - lines.length;
      return Event.of(station, session, seq++, startedAt.plusMillis(60), new RunLog(runId, serial, stream, chunk++,
          first, out, String.join("\n", lines).length()));
    }

    /** A file uploaded with the run, whole in one run.attachment chunk. */
    public Event<?> attachment(String name, byte[] bytes) {
      try {
        String sha256 = java.util.HexFormat.of().formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        return Event.of(station, session, seq++, startedAt.plusMillis(70), new io.testline.schemas.RunAttachment(
            runId, serial, name, "application/x-coredump", bytes.length, sha256, 0, 1,
            java.util.Base64.getEncoder().encodeToString(bytes)));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    public Event<?> finished(RunOutcome outcome, Integer exitCode, String signal) {
      Instant ended = startedAt.plusMillis(100L * (steps.size() + 2));
      String failing = steps.stream().filter(s -> s.outcome() == StepOutcome.FAIL)
          .map(s -> s.path() != null ? s.path() : s.name()).findFirst().orElse(null);
      long failed = steps.stream().filter(s -> s.outcome() == StepOutcome.FAIL).count();
      return Event.of(station, session, seq++, ended, new RunFinished(runId, serial, List.of(UnitUnderTest.of(serial)),
          "PCB-1", "A", program(), "op-1", "WO-7", attempt, "FCT", operation, startedAt, ended,
          ended.toEpochMilli() - startedAt.toEpochMilli(), outcome, exitCode, signal, signal != null ? false : null,
          null, null, failing, new Counts(steps.size(), steps.size() - failed, failed, 0L, 0L, 0L, 0L),
          new LogSummary(line, 10 * line, chunk, "00".repeat(32)), List.copyOf(steps)));
    }

    public Event<?> verdict(Verdict verdict, String code) {
      return Event.of(station, new UUID(0x3000, 3), seq++, startedAt.plusSeconds(5), new ShopfloorVerdict(runId,
          serial, verdict, code, code == null ? null : "route step mismatch", 1, 90L, "MES-1"));
    }

    private Program program() {
      return new Program("fct_main.py", "2.4.1", "sha256:" + "ab".repeat(32));
    }
  }
}
