package io.testline.agent.openhtf;

import com.fasterxml.jackson.databind.JsonNode;
import io.testline.agent.results.ImportedRun;
import io.testline.schemas.LogLine;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.Step;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads one OpenHTF JSON test record, as OpenHTF's {@code json_factory.OutputToJSON} output callback writes it, into
 * testline's model: the DUT id as serial number, {@code metadata.test_name}/{@code test_version} as the program, one
 * step per phase (see {@link PhaseMapper}), the record's outcome and {@code outcome_details} as the run's outcome and
 * error, and the {@code log_records} as log lines. Attachments are decoded into files of {@code attachmentsDir} while
 * the record is read. A record that cannot be read whole throws {@link IllegalArgumentException} with the reason and
 * leaves no attachment file behind.
 */
public final class OpenHtfImporter {
  private static final Map<Integer, String> LEVELS = Map.of(10, "DEBUG", 20, "INFO", 30, "WARNING", 40, "ERROR",
      50, "CRITICAL");

  private OpenHtfImporter() {}

  /**
   * Reads the record in {@code in}; attachments go to files in {@code attachmentsDir}, referenced in the steps as
   * {@code pathText} says.
   */
  public static ImportedRun read(InputStream in, Path attachmentsDir, Function<Path, String> pathText)
      throws IOException {
    AttachmentStore store = new AttachmentStore(attachmentsDir);
    try {
      RecordReader.Parsed parsed = RecordReader.read(in, store);
      return map(parsed, pathText);
    } catch (IOException | RuntimeException e) {
      store.discard();
      throw e;
    }
  }

  private static ImportedRun map(RecordReader.Parsed parsed, Function<Path, String> pathText) {
    JsonNode root = parsed.root();
    String dutId = Fields.requiredText(root, "dut_id", "");
    Instant startedAt = Fields.millis(root, "start_time_millis", "");
    if (startedAt == null) {
      throw new IllegalArgumentException("start_time_millis: missing");
    }
    RunOutcome outcome = outcome(Fields.text(root, "outcome", ""));
    JsonNode metadata = Fields.object(root, "metadata", "");
    JsonNode codeInfo = Fields.object(root, "code_info", "");
    List<String> notes = new ArrayList<>();
    PhaseMapper phases = new PhaseMapper(pathText, notes);
    JsonNode phaseNodes = Fields.array(root, "phases", "");
    Instant endedAt = Fields.millis(root, "end_time_millis", "");
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < phaseNodes.size(); i++) {
      Step step = phases.step(phaseNodes.get(i), i, parsed.attachments().get(i), endedAt != null ? endedAt
          : startedAt);
      steps.add(step);
    }
    if (endedAt == null) {
      endedAt = steps.stream().map(Step::endedAt).filter(t -> t != null).max(Instant::compareTo).orElse(startedAt);
    }
    JsonNode details = Fields.array(root, "outcome_details", "");
    String errorCode = null;
    List<String> messages = new ArrayList<>();
    for (int i = 0; i < details.size(); i++) {
      JsonNode d = details.get(i);
      if (!d.isObject()) {
        throw Fields.wrong("outcome_details[" + i + "]", "JSON object", d);
      }
      String code = Fields.text(d, "code", "outcome_details[" + i + "].");
      String description = Fields.text(d, "description", "outcome_details[" + i + "].");
      errorCode = errorCode == null ? code : errorCode;
      messages.add(description == null || description.isBlank() ? String.valueOf(code) : code + ": " + description);
    }
    String source = Fields.text(codeInfo, "sourcecode", "code_info.");
    TestlineMetadata exported = new TestlineMetadata(metadata);
    String programHash = exported.programHash();
    if (programHash == null && source != null && !source.isEmpty()) {
      programHash = "sha256:" + sha256(source);
    }
    steps = exported.withPaths(steps);
    return new ImportedRun(dutId, first(Fields.text(metadata, "test_name", "metadata."),
        Fields.text(codeInfo, "name", "code_info."), "openhtf"),
        Fields.text(metadata, "test_version", "metadata."), programHash,
        Fields.text(metadata, "part_number", "metadata."),
        first(Fields.text(metadata, "operator_name", "metadata."), Fields.text(metadata, "operator", "metadata."),
            null), startedAt, endedAt, outcome, Fields.limit(errorCode, 64),
        messages.isEmpty() ? null : Fields.limit(String.join("; ", messages), Fields.MAX_TEXT), steps,
        logLines(Fields.array(root, "log_records", ""), startedAt), notes);
  }

  private static RunOutcome outcome(String text) {
    if (text == null) {
      throw new IllegalArgumentException("outcome: missing (the test did not finish)");
    }
    return switch (text) {
      case "PASS" -> RunOutcome.PASS;
      case "FAIL" -> RunOutcome.FAIL;
      case "ERROR" -> RunOutcome.ERROR;
      case "TIMEOUT" -> RunOutcome.TIMEOUT;
      case "ABORTED" -> RunOutcome.ABORTED;
      default -> throw new IllegalArgumentException("outcome: \"" + Fields.limit(text, 40)
          + "\" is not one of [PASS, FAIL, ERROR, TIMEOUT, ABORTED]");
    };
  }

  private static List<LogLine> logLines(JsonNode records, Instant fallback) {
    List<LogLine> lines = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      JsonNode r = records.get(i);
      String where = "log_records[" + i + "].";
      if (!r.isObject()) {
        throw Fields.wrong("log_records[" + i + "]", "JSON object", r);
      }
      Instant at = Fields.millis(r, "timestamp_millis", where);
      String level = r.path("level").isInt() ? LEVELS.getOrDefault(r.get("level").asInt(),
          "LEVEL" + r.get("level").asInt()) : Fields.text(r, "level", where);
      String source = Fields.text(r, "source", where);
      String lineno = Fields.text(r, "lineno", where);
      String prefix = (level == null ? "" : level + " ") + first(Fields.text(r, "logger_name", where), "", null)
          + (source == null ? "" : " " + source + (lineno == null ? "" : ":" + lineno)) + ": ";
      String message = first(Fields.text(r, "message", where), "", null);
      List<String> parts = message.lines().toList();
      for (int j = 0; j < Math.max(1, parts.size()); j++) {
        String part = parts.isEmpty() ? "" : parts.get(j);
        lines.add(LogLine.of(at != null ? at : fallback, j == 0 ? prefix + part : part));
      }
    }
    return lines;
  }

  private static String first(String a, String b, String c) {
    return a != null ? a : b != null ? b : c;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
