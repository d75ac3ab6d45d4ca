package io.testline.interop;

import io.testline.interop.model.MeasurementRecord;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.StepRecord;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Runs built in memory, shaped as the loader builds them from the store. */
public final class Runs {
  public static final Instant T0 = Instant.parse("2026-12-07T06:00:00Z");

  private Runs() {}

  /** Three steps: a passing 3V3 rail, a 5V0 rail whose voltage fails its limits, a skipped flash step. */
  public static RunRecord failing(String serial) {
    UUID id = UUID.nameUUIDFromBytes(("failing " + serial).getBytes());
    return run(id, serial, "FAIL", List.of(
        step(0, "3V3 rail", "Power/Rails/3V3", "PASS", null, List.of(
            new MeasurementRecord(0, "voltage", 3.31, null, "V", 3.2, 3.4, "GELE", 3.3, "PASS", false))),
        step(1, "5V0 rail", "Power/Rails/5V0", "FAIL", null, List.of(
            new MeasurementRecord(0, "voltage", 5.61, null, "V", 4.75, 5.25, "GELE", 5.0, "FAIL", false),
            new MeasurementRecord(1, "ripple", 0.012, null, "V", null, 0.05, "LE", null, "PASS", true))),
        step(2, "flash", "Program/flash", "SKIPPED", null, List.of())),
        List.of(log(0, "STDOUT", "booting"), log(1, "STDERR", "5V0 high")), 2);
  }

  public static RunRecord passing(String serial) {
    UUID id = UUID.nameUUIDFromBytes(("passing " + serial).getBytes());
    return run(id, serial, "PASS", List.of(
        step(0, "3V3 rail", "Power/Rails/3V3", "PASS", null, List.of(
            new MeasurementRecord(0, "voltage", 3.3, null, "V", 3.2, 3.4, "GELE", null, "PASS", null))),
        step(1, "banner", "Console/banner", "PASS", null, List.of(
            new MeasurementRecord(0, "banner", null, "U-Boot 2026.01", null, null, null, "LOG", null, "UNSET",
                null)))),
        List.of(log(0, "STDOUT", "all good")), 1);
  }

  public static RunRecord crashed(String serial) {
    UUID id = UUID.nameUUIDFromBytes(("crashed " + serial).getBytes());
    RunRecord r = run(id, serial, "CRASHED", List.of(step(0, "3V3 rail", null, "PASS", null, List.of())),
        List.of(), 0);
    return with(r, r.steps(), "SIGSEGV", null, null);
  }

  public static RunRecord run(UUID id, String serial, String outcome, List<StepRecord> steps,
      List<RunRecord.LogEntry> log, long logLines) {
    return new RunRecord(id, serial, "ST-01", List.of(new RunRecord.Unit(serial, 1, "A")), "PCB-1", "B",
        "board-test", "1.4.2", "sha256:abc", "op7", "WO-9", 1, "FCT", "functional", T0, T0.plusSeconds(12),
        12_000L, true, outcome, "PASS".equals(outcome) ? 0 : 1, null, null, null,
        "FAIL".equals(outcome) ? "Power/Rails/5V0" : null, steps,
        new RunRecord.Verdict("ACCEPTED", null, null, 1, T0.plusSeconds(13)), log, logLines);
  }

  public static RunRecord with(RunRecord r, List<StepRecord> steps, String signal, String errorMessage,
      List<RunRecord.LogEntry> log) {
    return new RunRecord(r.runId(), r.serialNumber(), r.stationId(), r.units(), r.partNumber(), r.partRevision(),
        r.programName(), r.programVersion(), r.programHash(), r.operator(), r.workOrder(), r.attempt(),
        r.testMethod(), r.operation(), r.startedAt(), r.endedAt(), r.durationMs(), r.finished(), r.outcome(),
        r.exitCode(), signal, r.errorCode(), errorMessage, r.failingStep(), steps, r.verdict(),
        log == null ? r.log() : log, log == null ? r.logLines() : Math.max(r.logLines(), log.size()));
  }

  public static StepRecord step(int index, String name, String path, String outcome, String error,
      List<MeasurementRecord> measurements) {
    return new StepRecord(index, name, path, T0.plusSeconds(index), T0.plusSeconds(index + 1), outcome,
        error == null ? null : "E42", error, measurements,
        List.of(new StepRecord.AttachmentRecord("scope.png", "/runs/x/scope.png", "image/png", 2048L, "ab12")));
  }

  public static RunRecord.LogEntry log(long line, String stream, String text) {
    return new RunRecord.LogEntry(T0.plusMillis(line), stream, line, text, false);
  }
}
