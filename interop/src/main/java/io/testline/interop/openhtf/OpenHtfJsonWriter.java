package io.testline.interop.openhtf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.interop.json.JsonRunsDocument;
import io.testline.interop.model.MeasurementRecord;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.StepRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

/**
 * A run as the OpenHTF test record its {@code json_factory.OutputToJSON} callback writes, so tools that read
 * OpenHTF records read it. The keys follow google/openhtf at efec5c7 (2026-07-23): {@code
 * openhtf/core/test_record.py} ({@code TestRecord.as_base_types}: dut_id, station_id, start_time_millis,
 * end_time_millis, outcome PASS/FAIL/ERROR/TIMEOUT/ABORTED, outcome_details [{code, description}], marginal,
 * metadata, code_info, phases, subtests, branches, diagnosers, diagnoses, log_records; {@code
 * PhaseRecord.as_base_types}: descriptor_id, name, codeinfo, measurements, options, start/end_time_millis,
 * attachments, result, outcome PASS/FAIL/SKIP/ERROR, marginal), {@code openhtf/core/measurements.py} ({@code
 * Measurement.as_base_types}: name, outcome PASS/FAIL/UNSET, validators as their {@code str()}, units, measured_value),
 * {@code openhtf/util/validators.py} (the in_range wording {@code "3.2 <= x <= 3.4"}, {@code "x == 5"}) and
 * {@code openhtf/util/logs.py} (LogRecord: level, logger_name, source, lineno, timestamp_millis, message).
 *
 * <p>What testline has and OpenHTF has not: a CRASHED run is outcome ERROR with outcome_details code
 * {@code CRASHED}; the run's description beyond dut and station (run id, part, operator, work order, attempt,
 * operation, units, verdict, testline's own outcome, program hash) is under {@code metadata.testline}, with {@code
 * metadata.part_number} and {@code metadata.operator_name} where OpenHTF stations usually put them; a unit is kept
 * as its suffix; a step's path {@code a/b/name} is phase {@code name} of subtest {@code a/b}, any other path (one
 * that does not end in the step's name) is in {@code metadata.testline.step_paths} by phase. A phase's attachments
 * are left empty, since OpenHTF readers expect the bytes inline and testline keeps them on the station: they are
 * referenced (phase, name, mimetype, path, size, sha256) in {@code metadata.testline.attachments}. Log lines become
 * log records (stdout INFO, stderr ERROR), a split line joined back into one.
 */
public final class OpenHtfJsonWriter extends JsonRunsDocument {
  static final int INFO = 20;
  static final int WARNING = 30;
  static final int ERROR = 40;

  public OpenHtfJsonWriter(OutputStream out, boolean several) throws IOException {
    super(out, several);
  }

  @Override
  protected JsonNode document(RunRecord run) {
    ObjectNode r = MAPPER.createObjectNode();
    r.put("dut_id", run.serialNumber());
    r.put("station_id", run.stationId());
    r.put("start_time_millis", run.startedAt().toEpochMilli());
    millis(r, "end_time_millis", run.endedAt());
    r.put("outcome", outcome(run));
    ArrayNode details = r.putArray("outcome_details");
    if ("CRASHED".equals(run.outcome())) {
      detail(details, "CRASHED", run.signal() != null ? "killed by signal " + run.signal() : "the program crashed");
    }
    if (run.errorCode() != null || run.errorMessage() != null) {
      String code = run.errorCode() != null ? run.errorCode() : "ERROR";
      String message = run.errorMessage() != null ? run.errorMessage() : "";
      // a run imported from OpenHTF carries "<code>: <description>" as its message: give the description back
      detail(details, code, message.startsWith(code + ": ") ? message.substring(code.length() + 2) : message);
    }
    boolean marginal = run.steps().stream().flatMap(s -> s.measurements().stream())
        .anyMatch(m -> Boolean.TRUE.equals(m.marginal()));
    r.put("marginal", marginal);
    ObjectNode metadata = r.putObject("metadata");
    metadata.put("test_name", run.programName());
    metadata.put("test_version", run.programVersion());
    if (run.partNumber() != null) {
      metadata.put("part_number", run.partNumber());
    }
    if (run.operator() != null) {
      metadata.put("operator_name", run.operator());
    }
    metadata.putObject("config");
    metadata.set("testline", testline(run));
    ObjectNode codeInfo = r.putObject("code_info");
    codeInfo.put("name", run.programName());
    codeInfo.putNull("docstring");
    codeInfo.put("sourcecode", "");
    ArrayNode phases = r.putArray("phases");
    for (StepRecord step : run.steps()) {
      phases.add(phase(step));
    }
    r.putArray("subtests");
    r.putArray("branches");
    r.putArray("diagnosers");
    r.putArray("diagnoses");
    r.set("log_records", logRecords(run));
    return r;
  }

  /** OpenHTF's test outcomes: a crash is an ERROR (its detail says CRASHED); an unfinished run has none yet. */
  static String outcome(RunRecord run) {
    if (!run.finished() || run.outcome() == null) {
      return null;
    }
    return "CRASHED".equals(run.outcome()) ? "ERROR" : run.outcome();
  }

  private static ObjectNode testline(RunRecord run) {
    ObjectNode t = MAPPER.createObjectNode();
    t.put("run_id", run.runId().toString());
    t.put("outcome", run.outcome());
    t.put("part_number", run.partNumber());
    t.put("part_revision", run.partRevision());
    t.put("program_hash", run.programHash());
    t.put("operator", run.operator());
    t.put("work_order", run.workOrder());
    t.put("attempt", run.attempt());
    t.put("test_method", run.testMethod());
    t.put("operation", run.operation());
    t.set("units", MAPPER.valueToTree(run.units()));
    if (run.exitCode() != null) {
      t.put("exit_code", run.exitCode());
    }
    t.put("signal", run.signal());
    t.put("failing_step", run.failingStep());
    t.set("verdict", run.verdict() == null ? null : MAPPER.valueToTree(run.verdict()));
    t.put("log_lines", run.logLines());
    // a path subtest_name cannot say (not "<subtest>/<name>": "Power/Rails" for step "3V3 rail", or the bare name)
    ArrayNode paths = t.putArray("step_paths");
    List<StepRecord> steps = run.steps();
    for (int i = 0; i < steps.size(); i++) {
      StepRecord step = steps.get(i);
      if (step.path() != null && subtest(step) == null) {
        paths.addObject().put("phase", i).put("path", step.path());
      }
    }
    ArrayNode attachments = t.putArray("attachments");
    for (StepRecord step : run.steps()) {
      for (StepRecord.AttachmentRecord a : step.attachments()) {
        ObjectNode n = attachments.addObject();
        n.put("phase", step.index());
        n.put("name", a.name());
        n.put("mimetype", a.mediaType());
        n.put("path", a.path());
        if (a.sizeBytes() != null) {
          n.put("size", a.sizeBytes());
        }
        n.put("sha256", a.sha256());
      }
    }
    return t;
  }

  /**
   * A step at "Power/Rails/5V0 rail" is phase "5V0 rail" of subtest "Power/Rails", as an OpenHTF import reads it;
   * null when the path is not "&lt;subtest&gt;/&lt;name&gt;" (then it is in {@code metadata.testline.step_paths}).
   */
  private static String subtest(StepRecord step) {
    String path = step.path();
    if (path != null && path.endsWith("/" + step.name()) && path.length() > step.name().length() + 1) {
      return path.substring(0, path.length() - step.name().length() - 1);
    }
    return null;
  }

  private static ObjectNode phase(StepRecord step) {
    ObjectNode p = MAPPER.createObjectNode();
    p.put("descriptor_id", step.index());
    p.put("name", step.name());
    ObjectNode codeinfo = p.putObject("codeinfo");
    codeinfo.put("name", step.name());
    codeinfo.putNull("docstring");
    codeinfo.put("sourcecode", "");
    ObjectNode measurements = p.putObject("measurements");
    for (MeasurementRecord m : step.measurements()) {
      String key = measurements.has(m.name()) ? m.name() + " #" + m.ordinal() : m.name();
      measurements.set(key, measurement(m));
    }
    ObjectNode options = p.putObject("options");
    options.put("name", step.name());
    options.putNull("timeout_s");
    p.putArray("diagnosers");
    p.put("subtest_name", subtest(step));
    millis(p, "start_time_millis", step.startedAt());
    millis(p, "end_time_millis", step.endedAt());
    // OpenHTF readers expect an attachment's bytes inline; testline keeps them on the station (metadata.testline)
    p.putObject("attachments");
    p.putArray("diagnosis_results");
    p.putArray("failure_diagnosis_results");
    ObjectNode result = p.putObject("result");
    switch (step.outcome()) {
      case "ERROR" -> {
        ObjectNode e = result.putObject("phase_result");
        e.put("exc_type", step.errorCode() != null ? step.errorCode() : "Error");
        e.put("exc_val", step.errorMessage() != null ? step.errorMessage() : "");
        e.put("exc_tb", "");
      }
      case "SKIPPED" -> result.put("phase_result", "SKIP");
      default -> result.put("phase_result", "CONTINUE");
    }
    p.put("outcome", switch (step.outcome()) {
      case "FAIL" -> "FAIL";
      case "ERROR" -> "ERROR";
      case "SKIPPED" -> "SKIP";
      default -> "PASS";
    });
    p.put("marginal", step.measurements().stream().anyMatch(m -> Boolean.TRUE.equals(m.marginal())));
    return p;
  }

  private static ObjectNode measurement(MeasurementRecord m) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("name", m.name());
    n.put("outcome", m.outcome());
    String validator = m.limitsText();
    if (!validator.isEmpty()) {
      n.putArray("validators").add(validator);
    }
    if (m.unit() != null) {
      ObjectNode units = n.putObject("units");
      units.put("name", m.unit());
      units.putNull("code");
      units.put("suffix", m.unit());
    }
    if (m.value() != null && Double.isFinite(m.value())) {
      n.put("measured_value", m.value());
    } else if (m.value() != null) {
      n.put("measured_value", m.valueText());
    } else if (m.text() != null) {
      n.put("measured_value", m.text());
    }
    if (Boolean.TRUE.equals(m.marginal())) {
      n.put("marginal", true);
    }
    return n;
  }

  private static ArrayNode logRecords(RunRecord run) {
    ArrayNode records = MAPPER.createArrayNode();
    StringBuilder pending = null;
    RunRecord.LogEntry first = null;
    for (RunRecord.LogEntry line : run.log()) {
      if (pending == null) {
        pending = new StringBuilder();
        first = line;
      }
      pending.append(line.text());
      if (!line.partial()) {
        logRecord(records, first, pending.toString());
        pending = null;
      }
    }
    if (pending != null) {
      logRecord(records, first, pending.toString());
    }
    if (run.logTruncated()) {
      ObjectNode n = records.addObject();
      n.put("level", WARNING);
      n.put("logger_name", "testline");
      n.put("source", "testline");
      n.put("lineno", 0);
      Instant at = run.endedAt() != null ? run.endedAt() : run.startedAt();
      n.put("timestamp_millis", at.toEpochMilli());
      n.put("message", (run.logLines() - run.log().size()) + " more log lines are stored; GET /api/runs/"
          + run.runId() + "/log");
    }
    return records;
  }

  private static void logRecord(ArrayNode records, RunRecord.LogEntry line, String message) {
    ObjectNode n = records.addObject();
    String stream = line.stream() == null ? "stdout" : line.stream().toLowerCase(java.util.Locale.ROOT);
    n.put("level", "stderr".equals(stream) ? ERROR : INFO);
    n.put("logger_name", "testline." + stream);
    n.put("source", stream);
    n.put("lineno", line.line());
    if (line.at() != null) {
      n.put("timestamp_millis", line.at().toEpochMilli());
    } else {
      n.putNull("timestamp_millis");
    }
    n.put("message", message);
  }

  private static void detail(ArrayNode details, String code, String description) {
    ObjectNode d = details.addObject();
    d.put("code", code);
    d.put("description", description);
  }

  private static void millis(ObjectNode n, String field, Instant t) {
    if (t == null) {
      n.putNull(field);
    } else {
      n.put(field, t.toEpochMilli());
    }
  }
}
