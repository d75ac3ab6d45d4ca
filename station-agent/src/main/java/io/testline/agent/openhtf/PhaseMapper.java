package io.testline.agent.openhtf;

import com.fasterxml.jackson.databind.JsonNode;
import io.testline.agent.results.MeasurementJudge;
import io.testline.schemas.Attachment;
import io.testline.schemas.Comparator;
import io.testline.schemas.Measurement;
import io.testline.schemas.MeasurementOutcome;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One OpenHTF phase record as a testline step: outcome PASS/FAIL/SKIP/ERROR as PASS/FAIL/SKIPPED/ERROR, the phase's
 * exception or timeout as the step's error, each measurement with the limits its validators state, and the phase's
 * attachments as the files they were written to. What has no place in a step (validators without numeric limits, an
 * exception's traceback) is added to {@code notes}, so it is kept in the run's log.
 */
final class PhaseMapper {
  private final Function<Path, String> pathText;
  private final List<String> notes;

  /** {@code pathText} says how an attachment's file is referenced (relative to the run directory, or absolute). */
  PhaseMapper(Function<Path, String> pathText, List<String> notes) {
    this.pathText = pathText;
    this.notes = notes;
  }

  Step step(JsonNode phase, int index, Map<String, AttachmentStore.Stored> files, Instant fallbackEnd) {
    String where = "phases[" + index + "].";
    if (!phase.isObject()) {
      throw Fields.wrong("phases[" + index + "]", "JSON object", phase);
    }
    String name = Fields.limit(Fields.requiredText(phase, "name", where), 256);
    String subtest = Fields.text(phase, "subtest_name", where);
    Instant startedAt = Fields.millis(phase, "start_time_millis", where);
    Instant endedAt = Fields.millis(phase, "end_time_millis", where);
    List<Measurement> measurements = measurements(Fields.object(phase, "measurements", where), where + "measurements.",
        name);
    List<Attachment> attachments = attachments(Fields.object(phase, "attachments", where), files, where);
    String outcomeText = Fields.text(phase, "outcome", where);
    StepOutcome outcome;
    String errorCode = null;
    String errorMessage = null;
    if (outcomeText == null) {
      outcome = StepOutcome.ERROR;
      errorCode = "PHASE_UNFINISHED";
      errorMessage = "the phase has no outcome: it did not finish";
    } else {
      outcome = switch (outcomeText) {
        case "PASS" -> StepOutcome.PASS;
        case "FAIL" -> StepOutcome.FAIL;
        case "SKIP" -> StepOutcome.SKIPPED;
        case "ERROR" -> StepOutcome.ERROR;
        default -> throw new IllegalArgumentException(where + "outcome: \"" + Fields.limit(outcomeText, 40)
            + "\" is not one of [PASS, FAIL, SKIP, ERROR]");
      };
    }
    JsonNode result = phase.path("result");
    if (outcome == StepOutcome.ERROR && result.isObject()) {
      JsonNode r = result.path("phase_result");
      if (r.isObject()) {
        errorCode = exceptionName(Fields.text(r, "exc_type", where + "result.phase_result."));
        errorMessage = Fields.text(r, "exc_val", where + "result.phase_result.");
        String traceback = Fields.text(r, "exc_tb", where + "result.phase_result.");
        if (traceback != null) {
          traceback.lines().forEach(l -> notes.add("phase " + name + ": " + l));
        }
      } else if (r.isNull() || r.isMissingNode()) {
        errorCode = "PHASE_TIMEOUT";
        errorMessage = "the phase timed out";
      } else if (r.isTextual()) {
        errorCode = Fields.limit(r.asText(), 64);
        errorMessage = "the phase ended with " + Fields.limit(r.asText(), 200);
      }
    }
    return new Step(name, subtest == null ? null : Fields.limit(subtest, 200) + "/" + name, index, startedAt,
        endedAt != null ? endedAt : fallbackEnd, outcome, measurements.isEmpty() ? null : measurements,
        Fields.limit(errorCode, 64), errorMessage, attachments.isEmpty() ? null : attachments);
  }

  private List<Measurement> measurements(JsonNode all, String where, String phaseName) {
    List<Measurement> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String at = where + e.getKey();
      if (!e.getValue().isObject()) {
        throw Fields.wrong(at, "JSON object", e.getValue());
      }
      out.add(measurement(e.getKey(), e.getValue(), at + ".", phaseName));
    }
    return out;
  }

  private Measurement measurement(String key, JsonNode m, String where, String phaseName) {
    String name = Fields.limit(m.hasNonNull("name") ? Fields.text(m, "name", where) : key, 256);
    JsonNode raw = m.path("measured_value");
    Double value = raw.isNumber() ? raw.asDouble() : null;
    String text = null;
    if (raw.isTextual() || raw.isBoolean()) {
      text = Fields.limit(raw.asText(), Fields.MAX_TEXT);
    } else if (raw.isContainerNode()) {
      // a dimensioned measurement: [[coordinate..., value], ...] as OpenHTF wrote it
      text = Fields.limit(raw.toString(), Fields.MAX_TEXT);
    }
    ValidatorText.Limits limits = null;
    JsonNode validators = Fields.array(m, "validators", where);
    for (int i = 0; i < validators.size(); i++) {
      JsonNode v = validators.get(i);
      if (!v.isTextual()) {
        throw Fields.wrong(where + "validators[" + i + "]", "string", v);
      }
      Optional<ValidatorText.Limits> parsed = limits == null ? ValidatorText.parse(v.asText()) : Optional.empty();
      if (parsed.isPresent()) {
        limits = parsed.get();
      } else {
        notes.add("phase " + phaseName + " measurement " + name + ": validator " + Fields.limit(v.asText(), 500));
      }
    }
    String outcomeText = Fields.text(m, "outcome", where);
    Comparator comparator = limits != null ? limits.comparator() : Comparator.LOG;
    Double low = limits == null ? null : limits.low();
    Double high = limits == null ? null : limits.high();
    Double nominal = limits == null ? null : limits.nominal();
    MeasurementOutcome outcome = outcomeText == null ? MeasurementJudge.judge(value, low, high, nominal, comparator)
        : switch (outcomeText) {
          case "PASS" -> MeasurementOutcome.PASS;
          case "FAIL" -> MeasurementOutcome.FAIL;
          case "UNSET", "PARTIALLY_SET", "SKIPPED" -> MeasurementOutcome.UNSET;
          default -> throw new IllegalArgumentException(where + "outcome: \"" + Fields.limit(outcomeText, 40)
              + "\" is not one of [PASS, FAIL, UNSET, PARTIALLY_SET, SKIPPED]");
        };
    return new Measurement(name, value, text, unit(Fields.object(m, "units", where), where + "units."), low, high,
        comparator, nominal, outcome, limits == null || outcome != MeasurementOutcome.PASS ? null
        : limits.marginal(value));
  }

  /** OpenHTF's UnitDescriptor: its suffix ("V"), else its UN/CEFACT code ("VLT"), else its name. */
  private static String unit(JsonNode units, String where) {
    String suffix = Fields.text(units, "suffix", where);
    if (suffix != null && !suffix.isBlank()) {
      return Fields.limit(suffix, 64);
    }
    String code = Fields.text(units, "code", where);
    return Fields.limit(code != null ? code : Fields.text(units, "name", where), 64);
  }

  private List<Attachment> attachments(JsonNode all, Map<String, AttachmentStore.Stored> files, String where) {
    List<Attachment> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String at = where + "attachments." + e.getKey();
      if (!e.getValue().isObject()) {
        throw Fields.wrong(at, "JSON object", e.getValue());
      }
      AttachmentStore.Stored file = files == null ? null : files.get(e.getKey());
      if (file == null) {
        throw new IllegalArgumentException(at + ".data: missing (write the record with inline_attachments=True)");
      }
      String sha1 = Fields.text(e.getValue(), "sha1", at + ".");
      if (sha1 != null && !sha1.equalsIgnoreCase(file.sha1())) {
        throw new IllegalArgumentException(at + ".sha1: the data's SHA-1 is " + file.sha1() + ", the record says "
            + Fields.limit(sha1, 80));
      }
      out.add(new Attachment(Fields.limit(e.getKey(), 256), pathText.apply(file.file()),
          Fields.text(e.getValue(), "mimetype", at + "."), file.size(), file.sha256()));
    }
    return out;
  }

  /** {@code "<class 'ValueError'>"} or {@code "<class 'pkg.mod.Error'>"} as {@code ValueError} / {@code Error}. */
  static String exceptionName(String excType) {
    if (excType == null) {
      return "EXCEPTION";
    }
    String t = excType.trim();
    if (t.startsWith("<class '") && t.endsWith("'>")) {
      t = t.substring(8, t.length() - 2);
    }
    int dot = t.lastIndexOf('.');
    return Fields.limit(dot >= 0 ? t.substring(dot + 1) : t, 64);
  }
}
