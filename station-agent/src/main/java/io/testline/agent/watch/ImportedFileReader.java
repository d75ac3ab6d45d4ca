package io.testline.agent.watch;

import io.testline.agent.results.ImportedRun;
import io.testline.agent.run.LogChunker;
import io.testline.agent.run.RunFinishedFactory;
import io.testline.agent.run.RunRequest;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import io.testline.schemas.LogLine;
import io.testline.schemas.LogStream;
import io.testline.schemas.LogSummary;
import io.testline.schemas.Payload;
import io.testline.schemas.Program;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.Schemas;
import io.testline.schemas.Step;
import io.testline.schemas.UnitUnderTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Reads another tool's result file ({@code watch --format openhtf|atml}) into one run's events: run.started, a
 * run.step per step, the file's log lines as run.log (stream STDOUT; what the model has no field for, such as
 * validators without numeric limits, as AGENT lines) and a self-contained run.finished. Attachments are written to
 * {@code <dataDir>/runs/<runId>/attachments/} and referenced by absolute path. A file that cannot become a run whole
 * (unreadable, a serial number the contract refuses, a run.finished over the message limit) leaves nothing behind
 * and is rejected with the reason.
 */
final class ImportedFileReader implements FileImporter {
  /** Reads one file; attachments it holds go to files in {@code attachmentsDir}, referenced by absolute path. */
  interface Parser {
    ImportedRun parse(InputStream content, Path attachmentsDir) throws IOException;
  }

  /** Room for the envelope around a payload within the message limit. */
  private static final int ENVELOPE_RESERVE = 2048;

  private final Path runsDir;
  private final Parser parser;

  ImportedFileReader(Path runsDir, Parser parser) {
    this.runsDir = runsDir;
    this.parser = parser;
  }

  @Override
  public List<Payload> read(String fileName, InputStream content, Instant modified) throws IOException {
    UUID runId = Ids.newId();
    Path runDir = runsDir.resolve(runId.toString());
    try {
      ImportedRun r = parser.parse(content, runDir.resolve("attachments"));
      // to its end, where the stream checks the bytes were the ones hashed; the attachments go if not
      content.transferTo(OutputStream.nullOutputStream());
      List<Payload> events = events(runId, r);
      for (Payload p : events) {
        int size = EventJson.mapper().writeValueAsBytes(p).length;
        if (size > Schemas.MAX_MESSAGE_BYTES - ENVELOPE_RESERVE) {
          throw new IllegalArgumentException("oversize: its " + p.getClass().getSimpleName() + " would be " + size
              + " bytes, over the message limit of " + Schemas.MAX_MESSAGE_BYTES);
        }
      }
      return events;
    } catch (IOException | RuntimeException e) {
      deleteTree(runDir);
      throw e;
    }
  }

  private static List<Payload> events(UUID runId, ImportedRun r) {
    String problem = RunRequest.serialProblem(r.serialNumber());
    if (problem != null) {
      // the bridge would dead-letter every event of the run
      throw new IllegalArgumentException("serial number: " + problem);
    }
    String serial = r.serialNumber();
    Program program = new Program(r.programName(), r.programVersion(), r.programHash());
    RunStarted started = new RunStarted(runId, serial, List.of(UnitUnderTest.of(serial)), r.partNumber(), null,
        program, r.operator(), null, 1, null, null);
    List<Payload> out = new ArrayList<>();
    out.add(started);
    for (Step s : r.steps()) {
      out.add(new RunStep(runId, serial, s));
    }
    LogChunker chunker = new LogChunker(runId, serial, 0, 0, 0);
    MessageDigest digest = sha256();
    long lines = 0;
    for (LogLine line : r.log()) {
      lines += add(chunker, digest, LogStream.STDOUT, line);
    }
    for (String note : r.notes()) {
      lines += add(chunker, digest, LogStream.AGENT, LogLine.of(r.endedAt(), note));
    }
    chunker.cut(true).forEach(c -> out.add(c.log()));
    Step failing = r.steps().stream().filter(s -> s.outcome() == io.testline.schemas.StepOutcome.FAIL
        || s.outcome() == io.testline.schemas.StepOutcome.ERROR).findFirst().orElse(null);
    out.add(new RunFinished(runId, serial, started.units(), started.partNumber(), null, program, started.operator(),
        null, 1, null, null, r.startedAt(), r.endedAt(),
        Math.max(0, Duration.between(r.startedAt(), r.endedAt()).toMillis()), r.outcome(), null, null, null,
        r.errorCode(), r.errorMessage(), failing == null ? null : failing.path() != null ? failing.path()
        : failing.name(), RunFinishedFactory.counts(r.steps()), new LogSummary(lines, chunker.bytes(),
        chunker.chunks(), HexFormat.of().formatHex(digest.digest())), r.steps()));
    return out;
  }

  /** Adds one line to the chunks and the digest (its text and a line feed, UTF-8); returns 1. */
  private static int add(LogChunker chunker, MessageDigest digest, LogStream stream, LogLine line) {
    byte[] bytes = (line.text() + "\n").getBytes(StandardCharsets.UTF_8);
    digest.update(bytes);
    chunker.add(stream, line, bytes.length);
    return 1;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir + " of a rejected record", e);
    }
  }
}
