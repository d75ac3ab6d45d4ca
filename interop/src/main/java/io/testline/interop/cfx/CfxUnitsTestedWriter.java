package io.testline.interop.cfx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.interop.json.JsonRunsDocument;
import io.testline.interop.model.MeasurementRecord;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.StepRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * A run as the IPC-CFX message {@code CFX.Production.TestAndInspection.UnitsTested} in its {@code CFXEnvelope}, as
 * the CFX SDK's Newtonsoft serializer writes it ({@code TypeNameHandling.Auto}: a {@code $type} of
 * {@code "<full type name>, CFX"} on the message body and on each measurement, whose declared type is abstract).
 * Several runs are a JSON array of envelopes, which {@code CFXEnvelope.FromJsonList} reads.
 *
 * <p>Structure taken from the SDK, github.com/IPCConnectedFactoryExchange/CFX at 880255d (2026-04-17):
 * {@code CFX/CFXEnvelope.cs} (MessageName, Version "2.1", TimeStamp, UniqueID, Source, Target, RequestID,
 * MessageBody), {@code CFX/Production/TestAndInspection/UnitsTested.cs} (TransactionId, TestMethod, Tester,
 * RecipeName, RecipeRevision, SamplingInformation, TestedUnits), {@code CFX/Structures/TestedUnit.cs}
 * (UnitIdentifier, UnitPositionNumber, OverallResult, Tests), {@code CFX/Structures/Test.cs}, {@code
 * Measurement.cs}, {@code NumericMeasurement.cs} + {@code NumericValue.cs} (MeasuredValue: Value, ValueUnits,
 * ExpectedValue, MinimumAcceptableValue, MaximumAcceptableValue and their units: CFX's names for the lower and upper
 * limit), {@code TextMeasurement.cs}, {@code TestResult.cs} (Passed, Failed, Error, Aborted, Skipped) and the
 * UnitsTested example in {@code docs/html/T_CFX_Production_TestAndInspection_UnitsTested.htm}.
 *
 * <p>Mapping: the run's transaction id is its run id, each unit of the run is a TestedUnit holding every step as a
 * Test; a numeric measurement is a NumericMeasurement (limits, nominal as ExpectedValue), a text one a
 * TextMeasurement. A measurement recorded without judgement (UNSET) is {@code Passed}, CFX's default, since
 * TestResult has no "not evaluated"; a run that has not finished is {@code Error} (CFX has no "in progress").
 * Identifiers are derived from the run id, so exporting a run twice gives the same message.
 */
public final class CfxUnitsTestedWriter extends JsonRunsDocument {
  public static final String MESSAGE_NAME = "CFX.Production.TestAndInspection.UnitsTested";
  public static final String CFX_VERSION = "2.1";
  private static final Set<String> TEST_METHODS = Set.of("Human", "Automated", "ICT", "FPT", "FCT", "BST");

  public CfxUnitsTestedWriter(OutputStream out, boolean several) throws IOException {
    super(out, several);
  }

  @Override
  protected JsonNode document(RunRecord run) {
    ObjectNode envelope = MAPPER.createObjectNode();
    envelope.put("MessageName", MESSAGE_NAME);
    envelope.put("Version", CFX_VERSION);
    envelope.put("TimeStamp", (run.endedAt() != null ? run.endedAt() : run.startedAt()).toString());
    envelope.put("UniqueID", derived(run.runId(), "envelope").toString());
    envelope.put("Source", run.stationId());
    envelope.putNull("Target");
    envelope.putNull("RequestID");
    ObjectNode body = envelope.putObject("MessageBody");
    body.put("$type", MESSAGE_NAME + ", CFX");
    body.put("TransactionId", run.runId().toString());
    body.put("TestMethod", testMethod(run.testMethod()));
    if (run.operator() != null) {
      ObjectNode tester = body.putObject("Tester");
      tester.put("OperatorIdentifier", run.operator());
      tester.put("ActorType", "Human");
      tester.putNull("LastName");
      tester.putNull("FirstName");
      tester.put("LoginName", run.operator());
    } else {
      body.putNull("Tester");
    }
    body.put("RecipeName", run.programName());
    body.put("RecipeRevision", run.programVersion());
    ObjectNode sampling = body.putObject("SamplingInformation");
    sampling.put("SamplingMethod", "NoSampling");
    sampling.putNull("LotSize");
    sampling.putNull("SampleSize");
    ArrayNode units = body.putArray("TestedUnits");
    List<RunRecord.Unit> runUnits = run.units().isEmpty()
        ? List.of(new RunRecord.Unit(run.serialNumber(), null, null)) : run.units();
    for (RunRecord.Unit unit : runUnits) {
      ObjectNode u = units.addObject();
      u.put("UnitIdentifier", unit.serialNumber());
      if (unit.position() != null) {
        u.put("UnitPositionNumber", unit.position());
      } else {
        u.putNull("UnitPositionNumber");
      }
      u.put("OverallResult", runResult(run));
      ArrayNode tests = u.putArray("Tests");
      for (StepRecord step : run.steps()) {
        tests.add(test(run.runId(), step));
      }
    }
    return envelope;
  }

  private static ObjectNode test(UUID runId, StepRecord step) {
    ObjectNode t = MAPPER.createObjectNode();
    t.put("UniqueIdentifier", derived(runId, "step/" + step.index()).toString());
    t.put("TestName", step.path() != null && !step.path().isEmpty() ? step.path() : step.name());
    time(t, "TestStartTime", step.startedAt());
    time(t, "TestEndTime", step.endedAt());
    t.putArray("TestConditions");
    t.putNull("TestProcedure");
    t.putNull("Comments");
    t.put("Result", stepResult(step.outcome()));
    t.put("Error", step.errorCode() == null ? step.errorMessage()
        : step.errorMessage() == null ? step.errorCode() : step.errorCode() + ": " + step.errorMessage());
    t.putArray("SymptomsFound");
    t.putArray("DefectsFound");
    ArrayNode measurements = t.putArray("Measurements");
    for (MeasurementRecord m : step.measurements()) {
      measurements.add(measurement(runId, step, m));
    }
    return t;
  }

  private static ObjectNode measurement(UUID runId, StepRecord step, MeasurementRecord m) {
    ObjectNode n = MAPPER.createObjectNode();
    boolean numeric = m.value() != null && Double.isFinite(m.value());
    n.put("$type", numeric ? "CFX.Structures.NumericMeasurement, CFX" : "CFX.Structures.TextMeasurement, CFX");
    if (numeric) {
      ObjectNode v = n.putObject("MeasuredValue");
      v.put("Value", m.value());
      v.put("ValueUnits", m.unit());
      number(v, "ExpectedValue", m.nominal());
      v.put("ExpectedValueUnits", m.nominal() == null ? null : m.unit());
      number(v, "MinimumAcceptableValue", m.lowLimit());
      v.put("MinimumAcceptableValueUnits", m.lowLimit() == null ? null : m.unit());
      number(v, "MaximumAcceptableValue", m.highLimit());
      v.put("MaximumAcceptableValueUnits", m.highLimit() == null ? null : m.unit());
    } else {
      n.put("Value", m.value() != null ? m.valueText() : m.text() == null ? "" : m.text());
      n.putNull("ExpectedValue");
    }
    n.put("UniqueIdentifier", derived(runId, "step/" + step.index() + "/" + m.ordinal()).toString());
    n.put("MeasurementName", m.name());
    time(n, "TimeRecorded", step.endedAt());
    n.put("Sequence", m.ordinal());
    n.put("Result", "FAIL".equals(m.outcome()) ? "Failed" : "Passed");
    n.putNull("CRDs");
    return n;
  }

  static String runResult(RunRecord run) {
    if (!run.finished() || run.outcome() == null) {
      return "Error";
    }
    return switch (run.outcome()) {
      case "PASS" -> "Passed";
      case "FAIL" -> "Failed";
      case "ABORTED" -> "Aborted";
      default -> "Error"; // ERROR, TIMEOUT, CRASHED
    };
  }

  static String stepResult(String outcome) {
    return switch (outcome) {
      case "FAIL" -> "Failed";
      case "ERROR" -> "Error";
      case "SKIPPED" -> "Skipped";
      default -> "Passed"; // PASS, DONE
    };
  }

  private static String testMethod(String method) {
    if (method != null) {
      for (String m : TEST_METHODS) {
        if (m.toLowerCase(Locale.ROOT).equals(method.toLowerCase(Locale.ROOT))) {
          return m;
        }
      }
    }
    return "Automated";
  }

  private static void time(ObjectNode n, String field, Instant t) {
    if (t == null) {
      n.putNull(field);
    } else {
      n.put(field, t.toString());
    }
  }

  private static void number(ObjectNode n, String field, Double v) {
    if (v == null || !Double.isFinite(v)) {
      n.putNull(field);
    } else {
      n.put(field, v);
    }
  }

  private static UUID derived(UUID runId, String part) {
    return UUID.nameUUIDFromBytes((runId + "/cfx/" + part).getBytes(StandardCharsets.UTF_8));
  }
}
