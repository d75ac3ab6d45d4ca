package io.testline.agent.run;

import io.testline.agent.capture.CapturedLine;
import io.testline.agent.capture.LineSplitter;
import io.testline.agent.capture.ProcessTree;
import io.testline.agent.journal.Journal;
import io.testline.agent.journal.RunProgress;
import io.testline.agent.journal.JournaledRun;
import io.testline.agent.results.ResultParser;
import io.testline.agent.results.ResultRecord;
import io.testline.agent.results.ResultsTailer;
import io.testline.schemas.EventJson;
import io.testline.schemas.LogLine;
import io.testline.schemas.LogStream;
import io.testline.schemas.LogSummary;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.Step;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes runs whose agent died (crash, kill -9, power loss) before journaling run.finished: stops the orphaned test
 * program if it still runs, journals the steps and output lines the dead agent had not journaled yet (re-read from
 * the run directory, which the agent flushed at every read), and journals run.finished as ERROR with the reason
 * "agent restarted". Output lines recovered this way carry the output file's modification time, as their read times
 * died with the agent. Runs owned by a live agent process are left alone.
 */
public final class RunRecovery {
  private static final Logger log = LoggerFactory.getLogger(RunRecovery.class);
  public static final String ERROR_CODE = "AGENT_RESTARTED";
  public static final String REASON = "agent restarted";

  private final Journal journal;
  private final String stationId;
  private final Clock clock;

  public RunRecovery(Journal journal, String stationId, Clock clock) {
    this.journal = journal;
    this.stationId = stationId;
    this.clock = clock;
  }

  /** Closes every interrupted run; returns how many. */
  public List<RunFinished> closeInterruptedRuns() throws IOException {
    List<RunFinished> closed = new ArrayList<>();
    for (JournaledRun run : journal.activeRuns()) {
      if (Journal.ownerAlive(run)) {
        continue;
      }
      closed.add(close(run));
    }
    return closed;
  }

  private RunFinished close(JournaledRun run) throws IOException {
    RunStarted started = EventJson.mapper().readValue(run.startedJson(), RunStarted.class);
    // an agent killed right after journaling run.started may not have made the directory yet
    RunDirectory dir = new RunDirectory(Files.createDirectories(run.dir()));
    log.warn("run {} of {} was interrupted by an agent stop (pid {}); closing it as ERROR: {}", run.runId(),
        started.serialNumber(), run.ownerPid(), REASON);
    stopOrphan(run);

    List<Step> steps = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    if (Files.exists(dir.results())) {
      ResultsTailer.readAll(dir.results(), new ResultParser(dir.dir()), record -> {
        if (record instanceof ResultRecord.StepRecord s) {
          steps.add(s.step().index() != null ? s.step() : RunExecutor.withIndex(s.step(), steps.size()));
        } else if (record instanceof ResultRecord.Invalid i) {
          notes.add(dir.results().getFileName() + " line " + i.lineNumber() + " ignored: " + i.reason());
        }
      }, clock);
    }
    for (int i = (int) run.stepsEmitted(); i < steps.size(); i++) {
      Step step = steps.get(i);
      journal.append(new RunStep(run.runId(), started.serialNumber(), step),
          step.endedAt() != null ? step.endedAt() : clock.instant(), RunProgress.afterStep(run.runId(), i + 1, step));
    }

    LogChunker chunker = new LogChunker(run.runId(), started.serialNumber(), run.nextChunk(), run.stdoutLines(),
        run.stderrLines());
    long recoveredLines = replay(dir.stdout(), LogStream.STDOUT, run.stdoutLines(), chunker)
        + replay(dir.stderr(), LogStream.STDERR, run.stderrLines(), chunker);
    notes.add("agent restarted: run closed as ERROR; " + recoveredLines
        + " output lines recovered from the run directory");
    Instant now = clock.instant();
    appendNotes(dir, notes, chunker, now);
    for (LogChunker.Chunk chunk : chunker.cut(true)) {
      journal.append(chunk.log(), chunk.log().lines().get(0).at(), chunk.progress());
    }

    Instant startedAt = startedAt(dir, now);
    Instant endedAt = lastActivity(dir, startedAt);
    long mergedLines;
    String sha;
    try (InputStream in = Files.newInputStream(dir.merged())) {
      MessageDigest digest = RunOutput.sha256();
      byte[] all = in.readAllBytes();
      digest.update(all);
      sha = HexFormat.of().formatHex(digest.digest());
      mergedLines = new String(all, StandardCharsets.UTF_8).lines().count();
    }
    OutcomeRules.Decision decision = new OutcomeRules.Decision(RunOutcome.ERROR, ERROR_CODE, REASON,
        steps.stream().filter(s -> s.outcome().name().equals("FAIL") || s.outcome().name().equals("ERROR"))
            .map(s -> s.path() != null ? s.path() : s.name()).findFirst().orElse(null));
    RunFinished finished = RunFinishedFactory.build(started, startedAt, endedAt, decision, null, steps,
        new LogSummary(mergedLines, chunker.bytes(), chunker.chunks(), sha));
    journal.appendFinal(run.runId(), finished, now);
    dir.writeFinished(finished, stationId);
    return finished;
  }

  private void stopOrphan(JournaledRun run) {
    if (run.childPid() == null) {
      return;
    }
    ProcessHandle.of(run.childPid())
        .filter(p -> p.isAlive() && Journal.startMillis(p) == run.childStartMs())
        .ifPresent(p -> {
          log.warn("run {}: the test program (pid {}) outlived its agent; stopping its process tree", run.runId(),
              p.pid());
          ProcessTree.kill(p, Duration.ofSeconds(5));
        });
  }

  /** Re-reads a stream's file and chunks the entries after the first {@code done}; returns how many. */
  private long replay(Path file, LogStream stream, long done, LogChunker chunker) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    Instant at = Files.getLastModifiedTime(file).toInstant();
    long[] seen = {0};
    long[] added = {0};
    LineSplitter splitter = new LineSplitter(stream, LineSplitter.DEFAULT_MAX_FRAGMENT_BYTES, (CapturedLine line) -> {
      if (++seen[0] > done) {
        chunker.add(stream, LogLines.toLogLine(line), line.bytes().length + (line.partial() ? 0 : 1));
        added[0]++;
      }
    });
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        splitter.feed(buffer, 0, n, at);
      }
    }
    splitter.finish(at);
    return added[0];
  }

  private static void appendNotes(RunDirectory dir, List<String> notes, LogChunker chunker, Instant at)
      throws IOException {
    try (OutputStream merged = Files.newOutputStream(dir.merged(), StandardOpenOption.CREATE,
        StandardOpenOption.APPEND)) {
      for (String note : notes) {
        merged.write((at + " AGT  " + note + "\n").getBytes(StandardCharsets.UTF_8));
        chunker.add(LogStream.AGENT, LogLine.of(at, note), 0);
      }
    }
  }

  private static Instant startedAt(RunDirectory dir, Instant fallback) {
    try {
      return dir.startedAt();
    } catch (IOException | RuntimeException e) {
      log.warn("cannot read the start time from {}: {}", dir.runJson(), e.getMessage(), e);
      return fallback;
    }
  }

  /** The last time the run's files changed: the best estimate of when the run stopped. */
  private static Instant lastActivity(RunDirectory dir, Instant startedAt) throws IOException {
    Instant last = startedAt;
    for (Path p : List.of(dir.stdout(), dir.stderr(), dir.results())) {
      if (Files.exists(p)) {
        Instant m = Files.getLastModifiedTime(p).toInstant();
        if (m.isAfter(last)) {
          last = m;
        }
      }
    }
    return last;
  }
}
