package io.testline.agent.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.testline.schemas.Attachment;
import io.testline.schemas.Comparator;
import io.testline.schemas.EventJson;
import io.testline.schemas.Measurement;
import io.testline.schemas.MeasurementOutcome;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Reads one line of the results channel into a {@link ResultRecord}. Lenient where a test engineer would expect it
 * (outcomes in any case, {@code low}/{@code high} as short names of the limits, a step's outcome inferred from its
 * measurements, a measurement judged from its limits), strict where a guess would falsify a result (an unknown
 * outcome or comparator, a non-numeric value): such a line becomes {@link ResultRecord.Invalid}.
 */
public final class ResultParser {
  private static final int MAX_TEXT = 8192;

  private final Path runDir;

  /** {@code runDir} resolves relative attachment paths. */
  public ResultParser(Path runDir) {
    this.runDir = runDir;
  }

  /**
   * Parses {@code line} (without its line break) written as the {@code lineNumber}th line; {@code readAt} stands in
   * for a step's end time when the program gave none.
   */
  public ResultRecord parse(long lineNumber, String line, Instant readAt) {
    JsonNode node;
    try {
      node = EventJson.mapper().readTree(line);
    } catch (JsonProcessingException e) {
      return new ResultRecord.Invalid(lineNumber, line, "not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      return new ResultRecord.Invalid(lineNumber, line, "not a JSON object");
    }
    String type = node.path("type").asText("");
    try {
      return switch (type) {
        case "step" -> {
          List<String> notes = new ArrayList<>();
          yield new ResultRecord.StepRecord(lineNumber, step(node, readAt, notes), notes);
        }
        case "run" -> new ResultRecord.RunRecord(lineNumber, runOutcome(node), text(node, "errorCode"),
            text(node, "errorMessage"));
        default -> new ResultRecord.Invalid(lineNumber, line,
            "type: \"" + type + "\" is not one of [step, run]");
      };
    } catch (IllegalArgumentException e) {
      return new ResultRecord.Invalid(lineNumber, line, e.getMessage());
    }
  }

  private Step step(JsonNode node, Instant readAt, List<String> notes) {
    String name = text(node, "name");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name: a step needs a name");
    }
    List<Measurement> measurements = new ArrayList<>();
    JsonNode ms = node.path("measurements");
    if (!ms.isMissingNode() && !ms.isNull()) {
      if (!ms.isArray()) {
        throw new IllegalArgumentException("measurements: must be an array");
      }
      for (int i = 0; i < ms.size(); i++) {
        measurements.add(measurement(ms.get(i), "measurements[" + i + "]"));
      }
    }
    List<Attachment> attachments = new ArrayList<>();
    JsonNode as = node.path("attachments");
    if (!as.isMissingNode() && !as.isNull()) {
      if (!as.isArray()) {
        throw new IllegalArgumentException("attachments: must be an array");
      }
      for (int i = 0; i < as.size(); i++) {
        attachments.add(attachment(as.get(i), "attachments[" + i + "]", notes));
      }
    }
    String errorCode = text(node, "errorCode");
    StepOutcome outcome = node.hasNonNull("outcome")
        ? enumValue(StepOutcome.class, node.get("outcome").asText(), "outcome")
        : inferred(measurements, errorCode);
    Instant startedAt = instant(node, "startedAt");
    Instant endedAt = instant(node, "endedAt");
    if (endedAt == null) {
      endedAt = readAt;
    }
    Integer index = node.hasNonNull("index") ? node.get("index").asInt() : null;
    return new Step(limit(name, 256), text(node, "path"), index, startedAt, endedAt, outcome,
        measurements.isEmpty() ? null : measurements, errorCode == null ? null : limit(errorCode, 64),
        text(node, "errorMessage"), attachments.isEmpty() ? null : attachments);
  }

  private static StepOutcome inferred(List<Measurement> measurements, String errorCode) {
    if (measurements.stream().anyMatch(m -> m.outcome() == MeasurementOutcome.FAIL)) {
      return StepOutcome.FAIL;
    }
    return errorCode != null ? StepOutcome.ERROR : StepOutcome.PASS;
  }

  private static Measurement measurement(JsonNode m, String where) {
    if (!m.isObject()) {
      throw new IllegalArgumentException(where + ": must be an object");
    }
    String name = text(m, "name");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(where + ".name: a measurement needs a name");
    }
    Double value = number(m, "value", where);
    String textValue = m.path("value").isTextual() ? text(m, "value") : text(m, "text");
    Double low = firstNumber(m, where, "lowLimit", "low");
    Double high = firstNumber(m, where, "highLimit", "high");
    Double nominal = number(m, "nominal", where);
    // the comparator the limits mean: the one given, else the one the limits imply; it is what the agent judges
    // with and what the event carries, so a reader never has to guess how limits without a comparator compare
    Comparator comparator = m.hasNonNull("comparator")
        ? enumValue(Comparator.class, m.get("comparator").asText(), where + ".comparator")
        : MeasurementJudge.implied(low, high);
    MeasurementOutcome outcome = m.hasNonNull("outcome")
        ? enumValue(MeasurementOutcome.class, m.get("outcome").asText(), where + ".outcome")
        : MeasurementJudge.judge(value, low, high, nominal, comparator);
    Boolean marginal = m.hasNonNull("marginal") ? m.get("marginal").asBoolean() : null;
    return new Measurement(limit(name, 256), value, textValue, text(m, "unit"), low, high, comparator, nominal,
        outcome, marginal);
  }

  private Attachment attachment(JsonNode a, String where, List<String> notes) {
    if (!a.isObject()) {
      throw new IllegalArgumentException(where + ": must be an object");
    }
    String pathText = text(a, "path");
    String name = text(a, "name");
    if (name == null && pathText != null) {
      name = Path.of(pathText).getFileName().toString();
    }
    if (name == null) {
      throw new IllegalArgumentException(where + ": an attachment needs a name or a path");
    }
    Long size = null;
    String sha256 = null;
    if (pathText != null) {
      Path file;
      try {
        file = AttachmentPath.resolve(runDir, pathText);
      } catch (IllegalArgumentException refused) {
        // the step and the attachment's name and path are kept; the file is neither read nor described
        notes.add(where + ".path refused: " + refused.getMessage());
        file = null;
      }
      if (file != null) {
        try {
          size = Files.size(file);
          sha256 = sha256(file);
        } catch (IOException e) {
          throw new IllegalArgumentException(where + ".path: cannot read " + file + ": " + e.getMessage(), e);
        }
      }
    }
    return new Attachment(limit(name, 256), pathText, text(a, "mediaType"), size, sha256);
  }

  private static String runOutcome(JsonNode node) {
    if (!node.hasNonNull("outcome")) {
      return null;
    }
    String outcome = node.get("outcome").asText().toUpperCase(Locale.ROOT);
    if (!outcome.equals("PASS") && !outcome.equals("FAIL") && !outcome.equals("ERROR")) {
      throw new IllegalArgumentException("outcome: \"" + node.get("outcome").asText()
          + "\" is not one of [PASS, FAIL, ERROR]");
    }
    return outcome;
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String text, String where) {
    try {
      return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": \"" + text + "\" is not one of "
          + java.util.Arrays.toString(type.getEnumConstants()), e);
    }
  }

  private static Double firstNumber(JsonNode node, String where, String... names) {
    for (String name : names) {
      Double v = number(node, name, where);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static Double number(JsonNode node, String name, String where) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      if (name.equals("value") && v.isTextual()) {
        return null;
      }
      throw new IllegalArgumentException(where + "." + name + ": \"" + v.asText() + "\" is not a number");
    }
    return v.asDouble();
  }

  private static Instant instant(JsonNode node, String name) {
    String text = text(node, name);
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + ": \"" + text + "\" is not an ISO-8601 instant", e);
    }
  }

  private static String text(JsonNode node, String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    return limit(v.asText(), MAX_TEXT);
  }

  private static String limit(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = AttachmentPath.open(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
