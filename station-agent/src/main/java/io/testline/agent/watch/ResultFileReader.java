package io.testline.agent.watch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.agent.results.ResultParser;
import io.testline.agent.results.ResultRecord;
import io.testline.agent.run.RunRequest;
import io.testline.schemas.Counts;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import io.testline.schemas.Measurement;
import io.testline.schemas.MeasurementOutcome;
import io.testline.schemas.Payload;
import io.testline.schemas.Program;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.Schemas;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import io.testline.schemas.UnitUnderTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Reads one result file into a run's events. JSON files use testline's field names ({@code serialNumber},
 * {@code outcome}, {@code steps} as on the results channel, ...). CSV (a header line and one line of values) and
 * key=value files are read as flat fields through {@code watch.mapping}: {@code watch.mapping.<field>} names the
 * column or key holding the field (default: the field's own name), and {@code watch.mapping.measurements} lists the
 * columns or keys to record as numeric measurements.
 */
final class ResultFileReader implements FileImporter {
  private static final List<String> FIELDS = List.of("serialNumber", "partNumber", "partRevision", "operator",
      "workOrder", "attempt", "testMethod", "operation", "programName", "programVersion", "outcome", "startedAt",
      "endedAt", "errorCode", "errorMessage");

  /** The largest CSV or key=value file: these are read whole, and one run's flat fields need far less. */
  static final int MAX_FLAT_BYTES = 1 << 20;
  /** The longest string read: a field's value or a step's text; an attachment's data never comes inline here. */
  static final int MAX_STRING_CHARS = 1 << 20;
  /** Bounds each string; never closes the file, which is read on to its end. */
  private static final JsonFactory JSON = EventJson.mapper().getFactory().copy()
      .setStreamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_CHARS).build())
      .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
  private static final ObjectReader TREE = EventJson.mapper().reader()
      .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Map<String, String> mapping;
  private final Clock clock;

  ResultFileReader(Map<String, String> mapping, Clock clock) {
    this.mapping = mapping;
    this.clock = clock;
  }

  @Override
  public List<Payload> read(String fileName, InputStream content, Instant modified) throws IOException {
    String lower = fileName.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".json")) {
      List<Payload> events = fromJson(content, modified);
      content.transferTo(OutputStream.nullOutputStream());
      return events;
    }
    byte[] bytes = content.readNBytes(MAX_FLAT_BYTES + 1);
    if (bytes.length > MAX_FLAT_BYTES) {
      throw new IllegalArgumentException("oversize: a CSV or key=value result file is read whole; at most "
          + MAX_FLAT_BYTES + " bytes");
    }
    content.transferTo(OutputStream.nullOutputStream());
    String text = new String(bytes, StandardCharsets.UTF_8);
    Map<String, String> flat = lower.endsWith(".csv") ? csv(text) : keyValues(text);
    return fromFlat(flat, modified);
  }

  /**
   * Reads the JSON object as a stream: the fields of {@link #FIELDS} and the steps one at a time, skipping the rest
   * unread, so the file is never in memory whole. The steps together must fit the run.finished that carries them.
   */
  private List<Payload> fromJson(InputStream in, Instant modified) throws IOException {
    Map<String, String> flat = new LinkedHashMap<>();
    List<Step> steps = new ArrayList<>();
    try (JsonParser p = JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("expected a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("steps")) {
          steps(p, modified, steps);
        } else if (FIELDS.contains(field) && value != JsonToken.VALUE_NULL) {
          flat.put(field, TREE.<JsonNode>readTree(p).asText());
        } else {
          p.skipChildren();
        }
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
    return events(flat, steps, modified);
  }

  private static void steps(JsonParser p, Instant modified, List<Step> steps) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return;
    }
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException("steps: expected a JSON array");
    }
    ResultParser parser = new ResultParser(Path.of("."));
    long bytes = 0;
    for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("steps[" + i + "]: expected a JSON object");
      }
      ObjectNode node = ((ObjectNode) TREE.<JsonNode>readTree(p)).put("type", "step");
      ResultRecord r = parser.parse(i + 1, node.toString(), modified);
      if (r instanceof ResultRecord.Invalid invalid) {
        throw new IllegalArgumentException("steps[" + i + "]: " + invalid.reason());
      }
      Step s = ((ResultRecord.StepRecord) r).step();
      bytes += EventJson.mapper().writeValueAsBytes(s).length;
      if (bytes > Schemas.MAX_MESSAGE_BYTES) {
        throw new IllegalArgumentException("oversize: steps[0.." + i + "] alone are over the message limit of "
            + Schemas.MAX_MESSAGE_BYTES + " bytes that run.finished, which carries them, must keep");
      }
      steps.add(s.index() != null ? s : new Step(s.name(), s.path(), i, s.startedAt(), s.endedAt(), s.outcome(),
          s.measurements(), s.errorCode(), s.errorMessage(), s.attachments()));
    }
  }

  private List<Payload> fromFlat(Map<String, String> values, Instant modified) {
    Map<String, String> flat = new LinkedHashMap<>();
    for (String field : FIELDS) {
      String v = values.get(mapping.getOrDefault(field, field));
      if (v != null && !v.isBlank()) {
        flat.put(field, v.trim());
      }
    }
    List<Step> steps = new ArrayList<>();
    String listed = mapping.get("measurements");
    if (listed != null) {
      List<Measurement> ms = new ArrayList<>();
      for (String column : listed.split(",")) {
        String v = values.get(column.trim());
        if (v == null) {
          continue;
        }
        try {
          ms.add(new Measurement(column.trim(), Double.parseDouble(v.trim()), null, null, null, null, null, null,
              MeasurementOutcome.UNSET, null));
        } catch (NumberFormatException e) {
          ms.add(new Measurement(column.trim(), null, v.trim(), null, null, null, null, null,
              MeasurementOutcome.UNSET, null));
        }
      }
      if (!ms.isEmpty()) {
        steps.add(new Step("results", null, 0, null, modified, StepOutcome.DONE, ms, null, null, null));
      }
    }
    return events(flat, steps, modified);
  }

  private List<Payload> events(Map<String, String> f, List<Step> steps, Instant modified) {
    String serial = f.get("serialNumber");
    if (serial == null) {
      throw new IllegalArgumentException("serialNumber: missing (map it with watch.mapping.serialNumber)");
    }
    String problem = RunRequest.serialProblem(serial);
    if (problem != null) {
      // the bridge would dead-letter every event of the run: keep the file as unreadable instead
      throw new IllegalArgumentException("serialNumber: " + problem);
    }
    RunOutcome outcome = outcome(f.get("outcome"));
    UUID runId = Ids.newId();
    int attempt = attempt(f.get("attempt"));
    Program program = new Program(f.getOrDefault("programName", "watched"), f.get("programVersion"), null);
    RunStarted started = new RunStarted(runId, serial, List.of(UnitUnderTest.of(serial)), f.get("partNumber"),
        f.get("partRevision"), program, f.get("operator"), f.get("workOrder"), attempt, f.get("testMethod"),
        f.get("operation"));
    Instant endedAt = instant(f, "endedAt", modified);
    Instant startedAt = instant(f, "startedAt", endedAt);
    List<Payload> out = new ArrayList<>();
    out.add(started);
    for (Step s : steps) {
      out.add(new RunStep(runId, serial, s));
    }
    long passed = steps.stream().filter(s -> s.outcome() == StepOutcome.PASS).count();
    long failed = steps.stream().filter(s -> s.outcome() == StepOutcome.FAIL).count();
    String failing = steps.stream().filter(s -> s.outcome() == StepOutcome.FAIL || s.outcome() == StepOutcome.ERROR)
        .map(s -> s.path() != null ? s.path() : s.name()).findFirst().orElse(null);
    out.add(new RunFinished(runId, serial, started.units(), started.partNumber(), started.partRevision(), program,
        started.operator(), started.workOrder(), attempt, started.testMethod(), started.operation(), startedAt,
        endedAt, Math.max(0, Duration.between(startedAt, endedAt).toMillis()), outcome, null, null, null,
        f.get("errorCode"), f.get("errorMessage"), failing, new Counts(steps.size(), passed, failed, null, null,
        null, null), null, steps));
    return out;
  }

  private static RunOutcome outcome(String text) {
    if (text == null) {
      throw new IllegalArgumentException("outcome: missing (map it with watch.mapping.outcome)");
    }
    return switch (text.trim().toUpperCase(Locale.ROOT)) {
      case "PASS", "PASSED", "P", "OK", "GOOD" -> RunOutcome.PASS;
      case "FAIL", "FAILED", "F", "NOK", "NG" -> RunOutcome.FAIL;
      case "ERROR", "E" -> RunOutcome.ERROR;
      case "TIMEOUT" -> RunOutcome.TIMEOUT;
      case "ABORTED" -> RunOutcome.ABORTED;
      case "CRASHED" -> RunOutcome.CRASHED;
      default -> throw new IllegalArgumentException("outcome: \"" + text + "\" is not a known result");
    };
  }

  private static int attempt(String text) {
    if (text == null) {
      return 1;
    }
    try {
      int attempt = Integer.parseInt(text.trim());
      if (attempt >= 1) {
        return attempt;
      }
    } catch (NumberFormatException e) {
      // reported below with the field's name
    }
    throw new IllegalArgumentException("attempt: \"" + text + "\" is not a whole number >= 1");
  }

  private static Instant instant(Map<String, String> f, String field, Instant fallback) {
    String v = f.get(field);
    if (v == null) {
      return fallback;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + ": \"" + v + "\" is not an ISO-8601 instant", e);
    }
  }

  static Map<String, String> csv(String text) {
    List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
    if (lines.size() < 2) {
      throw new IllegalArgumentException("CSV: expected a header line and a line of values");
    }
    String[] header = lines.get(0).split(",", -1);
    String[] values = lines.get(1).split(",", -1);
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < header.length && i < values.length; i++) {
      out.put(unquote(header[i]), unquote(values[i]));
    }
    return out;
  }

  static Map<String, String> keyValues(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    text.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(l -> {
      int eq = l.indexOf('=');
      if (eq > 0) {
        out.put(l.substring(0, eq).trim(), l.substring(eq + 1).trim());
      }
    });
    return out;
  }

  private static String unquote(String s) {
    String t = s.trim();
    return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
  }
}
