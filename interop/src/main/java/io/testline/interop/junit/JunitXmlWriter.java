package io.testline.interop.junit;

import io.testline.interop.model.MeasurementRecord;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.RunsWriter;
import io.testline.interop.model.StepRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * Runs as JUnit XML, the report format CI servers read (Surefire, Jenkins, GitLab): one {@code testsuite} per run
 * (under a {@code testsuites} root when there may be several), one {@code testcase} per step; a failed step carries
 * a {@code failure} listing its failing measurements with their limits, an erroring step an {@code error}, a
 * skipped one {@code skipped}; a run that did not pass without a step to show it (a crash, a timeout) gets a
 * {@code testcase} named {@value #RUN_CASE} with the reason. Properties carry serial, station, operation and the
 * rest of the run's description; {@code system-out}/{@code system-err} the run's log as the loader bounded it.
 * Written by {@link XmlOut}, every string through {@link XmlText}, so hostile text yields a well-formed document
 * that gives every character back (tabs and newlines in names and messages too).
 */
public final class JunitXmlWriter implements RunsWriter {
  static final String RUN_CASE = "(run outcome)";

  private final XmlOut xml;
  private final boolean several;
  private boolean started;

  /** @param several a {@code testsuites} root for any number of runs; else exactly one run as the root suite */
  public JunitXmlWriter(OutputStream out, boolean several) {
    this.xml = new XmlOut(out);
    this.several = several;
  }

  @Override
  public void write(RunRecord run) throws IOException {
    if (!started) {
      start();
    } else if (!several) {
      throw new IllegalStateException("this JUnit document holds one run; open it with several = true");
    }
    suite(run);
  }

  @Override
  public void close() throws IOException {
    if (!started) {
      if (!several) {
        throw new IllegalStateException("no run was written to a one-run JUnit document");
      }
      start();
    }
    xml.finish();
    xml.text("\n");
    xml.finish();
  }

  private void start() throws IOException {
    started = true;
    xml.declaration();
    if (several) {
      xml.start("testsuites");
      attr("name", "testline");
    }
  }

  private void suite(RunRecord run) throws IOException {
    List<StepRecord> steps = run.steps();
    boolean runCase = needsRunCase(run);
    long failures = steps.stream().filter(s -> s.outcome().equals("FAIL")).count();
    long errors = steps.stream().filter(s -> s.outcome().equals("ERROR")).count();
    long skipped = steps.stream().filter(s -> s.outcome().equals("SKIPPED")).count();
    if (runCase) {
      if (run.finished()) {
        errors++;
      } else {
        skipped++;
      }
    }
    String name = suiteName(run);
    xml.start("testsuite");
    attr("name", name);
    attr("tests", String.valueOf(steps.size() + (runCase ? 1 : 0)));
    attr("failures", String.valueOf(failures));
    attr("errors", String.valueOf(errors));
    attr("skipped", String.valueOf(skipped));
    attr("time", seconds(run.durationMs() != null ? Duration.ofMillis(run.durationMs())
        : between(run.startedAt(), run.endedAt())));
    attr("timestamp", LocalDateTime.ofInstant(run.startedAt().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC)
        .toString());
    attr("hostname", run.stationId());
    attr("id", run.runId().toString());
    properties(run);
    for (StepRecord step : steps) {
      testcase(name, step);
    }
    if (runCase) {
      xml.start("testcase");
      attr("name", RUN_CASE);
      attr("classname", name);
      attr("time", seconds(Duration.ZERO));
      if (run.finished()) {
        xml.start("error");
        attr("message", runReason(run));
        attr("type", run.outcome());
        xml.end();
      } else {
        xml.start("skipped");
        attr("message", "the run has not finished");
        xml.end();
      }
      xml.end();
    }
    output(run);
    xml.end();
    xml.text("\n");
  }

  /** Surefire groups cases by class name: every case of a run carries the suite's name so a run stays one suite. */
  static String suiteName(RunRecord run) {
    return run.programName() + " " + run.serialNumber() + " (" + run.stationId() + ", attempt " + run.attempt() + ")";
  }

  private static boolean needsRunCase(RunRecord run) {
    if (!run.finished()) {
      return true;
    }
    if ("PASS".equals(run.outcome())) {
      return false;
    }
    boolean stepShowsIt = run.steps().stream().anyMatch(s -> s.outcome().equals("FAIL") || s.outcome().equals("ERROR"));
    return !stepShowsIt;
  }

  private static String runReason(RunRecord run) {
    StringBuilder b = new StringBuilder(String.valueOf(run.outcome()));
    if (run.signal() != null) {
      b.append(", signal ").append(run.signal());
    }
    if (run.exitCode() != null) {
      b.append(", exit code ").append(run.exitCode());
    }
    if (run.errorCode() != null) {
      b.append(", ").append(run.errorCode());
    }
    if (run.errorMessage() != null) {
      b.append(": ").append(run.errorMessage());
    }
    return b.toString();
  }

  private void properties(RunRecord run) throws IOException {
    xml.start("properties");
    property("serial", run.serialNumber());
    property("station", run.stationId());
    property("operation", run.operation());
    property("runId", run.runId().toString());
    property("program", run.programName());
    property("programVersion", run.programVersion());
    property("programHash", run.programHash());
    property("partNumber", run.partNumber());
    property("partRevision", run.partRevision());
    property("operator", run.operator());
    property("workOrder", run.workOrder());
    property("attempt", String.valueOf(run.attempt()));
    property("outcome", run.outcome());
    property("verdict", run.verdict() == null ? null : run.verdict().verdict());
    xml.end();
  }

  private void property(String name, String value) throws IOException {
    if (value != null) {
      xml.empty("property");
      attr("name", name);
      attr("value", value);
      xml.end();
    }
  }

  private void testcase(String classname, StepRecord step) throws IOException {
    xml.start("testcase");
    attr("name", step.path() != null && !step.path().isEmpty() ? step.path() : step.name());
    attr("classname", classname);
    attr("time", seconds(between(step.startedAt(), step.endedAt())));
    switch (step.outcome()) {
      case "FAIL" -> {
        List<MeasurementRecord> failed = step.failedMeasurements();
        xml.start("failure");
        attr("message", failed.isEmpty() ? (step.errorMessage() != null ? step.errorMessage() : "step failed")
            : failed.size() + " measurement(s) out of limits: "
                + String.join(", ", failed.stream().map(MeasurementRecord::name).toList()));
        attr("type", step.errorCode() != null ? step.errorCode() : "limits");
        StringBuilder detail = new StringBuilder();
        for (MeasurementRecord m : failed) {
          detail.append(m.name()).append(" = ").append(m.valueText());
          if (m.unit() != null) {
            detail.append(' ').append(m.unit());
          }
          String limits = m.limitsText();
          if (!limits.isEmpty()) {
            detail.append("  (limits: ").append(limits).append(')');
          }
          detail.append('\n');
        }
        if (step.errorMessage() != null && !failed.isEmpty()) {
          detail.append(step.errorMessage()).append('\n');
        }
        text(detail.toString());
        xml.end();
      }
      case "ERROR" -> {
        xml.start("error");
        attr("message", step.errorMessage() != null ? step.errorMessage() : "step error");
        attr("type", step.errorCode() != null ? step.errorCode() : "error");
        xml.end();
      }
      case "SKIPPED" -> {
        xml.empty("skipped");
        xml.end();
      }
      default -> { }
    }
    xml.end();
  }

  private void output(RunRecord run) throws IOException {
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    for (RunRecord.LogEntry line : run.log()) {
      StringBuilder to = "STDERR".equals(line.stream()) ? err : out;
      to.append(line.text());
      if (!line.partial()) {
        to.append('\n');
      }
    }
    if (run.logTruncated()) {
      out.append("[testline: ").append(run.logLines() - run.log().size())
          .append(" more log lines are stored; GET /api/runs/").append(run.runId()).append("/log]\n");
    }
    if (out.length() > 0) {
      xml.start("system-out");
      text(out.toString());
      xml.end();
    }
    if (err.length() > 0) {
      xml.start("system-err");
      text(err.toString());
      xml.end();
    }
  }

  private void attr(String name, String value) throws IOException {
    xml.attribute(name, value);
  }

  private void text(String value) throws IOException {
    xml.text(value);
  }

  private static Duration between(Instant start, Instant end) {
    return start == null || end == null || end.isBefore(start) ? Duration.ZERO : Duration.between(start, end);
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.3f", d.toMillis() / 1000.0);
  }
}
