package io.testline.agent.run;

import io.testline.agent.capture.ChildProcess;
import io.testline.agent.capture.Signals;
import io.testline.agent.capture.Termination;
import io.testline.agent.config.AgentConfig;
import io.testline.agent.forensics.CrashForensics;
import io.testline.agent.journal.Admission;
import io.testline.agent.journal.Journal;
import io.testline.agent.journal.PendingUpload;
import io.testline.agent.journal.RunProgress;
import io.testline.agent.results.ResultParser;
import io.testline.agent.results.ResultRecord;
import io.testline.agent.results.ResultsImport;
import io.testline.agent.results.ResultsChannel;
import io.testline.agent.results.ResultsTailer;
import io.testline.schemas.Crash;
import io.testline.schemas.Ids;
import io.testline.schemas.LogSummary;
import io.testline.schemas.Program;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.Step;
import io.testline.schemas.UnitUnderTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one test program and journals everything about it: run.started, each step as its line arrives on the results
 * channel, the output as run.log chunks, and a self-contained run.finished built from everything captured. Refuses to
 * start when the journal cannot take the run. Publishing is not its concern: it only writes the journal.
 */
public final class RunExecutor {
  private static final Logger log = LoggerFactory.getLogger(RunExecutor.class);
  /**
   * How long the output pipes may stay open without output after the program exited (a background child holding
   * them), and how long at most a capture still handling output is waited for.
   */
  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(3);
  private static final Duration OUTPUT_DRAIN_LIMIT = Duration.ofSeconds(30);
  private static final Duration WAIT_SLICE = Duration.ofMillis(50);

  private final AgentConfig config;
  private final Journal journal;
  private final Clock clock;
  private final ResultsImport resultsImport;
  private final CrashForensics forensics;

  public RunExecutor(AgentConfig config, Journal journal, Clock clock) {
    this(config, journal, clock, null);
  }

  /** {@code resultsImport}: results the program leaves in its run directory in a format of its own, or null. */
  public RunExecutor(AgentConfig config, Journal journal, Clock clock, ResultsImport resultsImport) {
    this.config = config;
    this.journal = journal;
    this.clock = clock;
    this.resultsImport = resultsImport;
    this.forensics = new CrashForensics(config.forensics());
  }

  /** Runs {@code request} to its end; throws {@link RunRefusedException} when it may not start. */
  public RunReport execute(RunRequest request, AbortSignal abort) throws IOException, InterruptedException {
    Admission admission = journal.admission();
    if (!admission.admitted()) {
      log.error("run refused: {}", admission.reason());
      throw new RunRefusedException(admission.reason());
    }
    UUID runId = Ids.newId();
    RunStarted started = describe(runId, request);
    Instant startedAt = clock.instant();
    // journaled first: a run is started once its run.started is, and only then has a directory
    journal.startRun(started, RunDirectory.path(config.runsDir(), runId), startedAt);
    RunDirectory dir = RunDirectory.create(config.runsDir(), runId);
    dir.writeStarted(started, startedAt, config.stationId());
    log.info("run {} started: {} {}", runId, started.serialNumber(), request.command());

    List<Step> steps = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<ResultRecord.RunRecord> programVerdict = new AtomicReference<>();
    LogChunker chunker = new LogChunker(runId, started.serialNumber(), 0, 0, 0);
    Duration timeout = request.timeout() != null ? request.timeout() : config.run().timeout();
    Termination termination = null;
    String startError = null;
    Duration timedOut = null;
    String abortReason = null;
    CrashForensics.Subject subject = null;
    CrashForensics.Hang hang = null;
    Crash crash = null;
    List<PendingUpload> uploads = List.of();
    Set<Long> knownPids = new HashSet<>();
    try (RunOutput output = new RunOutput(journal, chunker, dir.merged(), config.run().logFlushInterval(), clock)) {
      ResultsTailer tailer = new ResultsTailer(dir.results(), new ResultParser(dir.dir()),
          record -> onResult(record, started, steps, programVerdict, output), Duration.ofMillis(50), clock);
      Files.createFile(dir.results());
      tailer.start();
      ChildProcess child = null;
      try {
        child = ChildProcess.start(forensics.command(request.command(), request.workDir()), request.workDir(),
            environment(started, dir), dir.stdout(), dir.stderr(), output, config.run().killGrace(), clock);
        journal.recordChild(runId, child.handle());
        knownPids.add(child.handle().pid());
        subject = new CrashForensics.Subject(child.handle().pid(),
            forensics.executable(request.command(), request.workDir()), request.workDir(), startedAt);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!child.waitFor(WAIT_SLICE)) {
          if (abort.reason() != null) {
            abortReason = abort.reason();
            output.agentNote("aborted: " + abortReason + "; stopping the process tree");
            log.warn("run {} aborted: {}; stopping the process tree", runId, abortReason);
            knownPids.addAll(child.killTree());
            break;
          }
          if (System.nanoTime() - deadline > 0) {
            timedOut = timeout;
            output.agentNote("timeout: no exit within " + timeout + "; killing the process tree");
            log.warn("run {} timed out after {}; killing the process tree", runId, timeout);
            hang = forensics.beforeTimeoutKill(child.handle(), output::agentNote);
            List<Long> killed = child.killTree(hang.processes());
            knownPids.addAll(killed);
            output.agentNote("killed processes " + killed);
            break;
          }
        }
        child.waitFor(Duration.ofSeconds(30));
        termination = child.termination();
        if (!child.awaitOutput(OUTPUT_DRAIN, OUTPUT_DRAIN_LIMIT)) {
          output.agentNote("the program exited but a process it started still holds its output open; "
              + "capture stopped after " + OUTPUT_DRAIN + " without output");
        }
      } catch (IOException e) {
        startError = "cannot start " + request.command().get(0) + ": " + e.getMessage();
        output.agentNote(startError);
        log.error("run {}: {}", runId, startError, e);
      } finally {
        if (child != null) {
          child.close();
        }
        tailer.finish();
      }
      if (termination != null) {
        output.agentNote("program ended: " + termination.describe());
      }
      if (resultsImport != null && startError == null) {
        ResultsImport.Imported imported = resultsImport.afterExit(dir.dir(), started.serialNumber(), clock.instant());
        imported.notes().forEach(output::agentNote);
        imported.records().forEach(r -> onResult(r, started, steps, programVerdict, output));
      }
      crash = collectCrash(termination, timedOut != null, abortReason, dir, subject, hang, knownPids, output);
      if (crash != null) {
        CrashForensics.Uploads planned = forensics.uploads(crash, dir.dir(), runId, started.serialNumber(),
            journalRoom());
        if (!java.util.Objects.equals(planned.crash().reason(), crash.reason())) {
          output.agentNote("crash forensics: " + planned.crash().reason());
        }
        crash = planned.crash();
        uploads = planned.files();
        if (!uploads.isEmpty()) {
          output.agentNote("crash forensics: uploading " + String.join(", ", crash.uploaded()));
        }
      }
      output.close();
      if (output.writeFailure() != null) {
        log.error("run {}: some log chunks could not be journaled; the full output is in {}", runId, dir.dir());
      }
      OutcomeRules.Decision decision = OutcomeRules.decide(new OutcomeRules.Observed(startError, termination,
          timedOut, abortReason, List.copyOf(steps), programVerdict.get(), config.run().failExitCodes()));
      LogSummary summary = new LogSummary(output.mergedLines(), chunker.bytes(), chunker.chunks(),
          output.sha256Hex());
      Instant endedAt = clock.instant();
      RunFinished finished = RunFinishedFactory.build(started, startedAt, endedAt, decision, termination,
          List.copyOf(steps), summary).withCrash(crash);
      journal.appendFinal(runId, finished, endedAt, uploads);
      dir.writeFinished(finished, config.stationId());
      journalUploads(runId, uploads);
      log.info("run {} finished: {} {}", runId, finished.outcome(), finished.errorMessage() == null ? ""
          : finished.errorMessage());
      return new RunReport(finished, dir.dir());
    }
  }

  /**
   * Journals the chunks of the files recorded with run.finished; a failure leaves them recorded for the next agent
   * start, never fails the run.
   */
  private void journalUploads(UUID runId, List<PendingUpload> uploads) {
    if (uploads.isEmpty()) {
      return;
    }
    try {
      journal.journalUploads();
    } catch (RuntimeException e) {
      log.error("run {}: journaling its uploads failed, they are retried at the next start: {}", runId,
          e.getMessage(), e);
    }
  }

  /** Bytes the journal can take before its bound. */
  private long journalRoom() {
    var stats = journal.stats();
    return stats.capacityBytes() - stats.bytes();
  }

  /**
   * Where it crashed or hung (null for other runs, unless WER left a minidump); collection failing is a reason,
   * never the run's failure.
   */
  private Crash collectCrash(Termination termination, boolean timedOut, String abortReason, RunDirectory dir,
      CrashForensics.Subject subject, CrashForensics.Hang hang, Set<Long> pids, RunOutput output)
      throws InterruptedException {
    boolean crashed = !timedOut && abortReason == null && termination != null && termination.bySignal()
        && !Signals.isStopRequest(termination.signal());
    if (subject == null) {
      return null;
    }
    Crash crash = null;
    try {
      if (crashed || timedOut) {
        crash = forensics.collect(termination, timedOut, crashed, dir.dir(), dir.stderr(), subject, hang);
      }
      crash = forensics.withMinidump(crash, dir.dir(), subject, pids);
    } catch (RuntimeException e) {
      log.error("run {}: crash forensics failed: {}", dir.dir().getFileName(), e.getMessage(), e);
      crash = Crash.none("crash forensics failed: " + e);
    }
    if (crash == null) {
      return null;
    }
    output.agentNote("crash forensics: " + crash.kind() + (crash.site() == null ? "" : " at " + crash.site().key())
        + (crash.coreFile() == null ? "" : ", core kept as " + crash.coreFile())
        + (crash.minidumpFile() == null ? "" : ", minidump kept as " + crash.minidumpFile())
        + (crash.reason() == null ? "" : " (" + crash.reason() + ")"));
    return crash;
  }

  private void onResult(ResultRecord record, RunStarted started, List<Step> steps,
      AtomicReference<ResultRecord.RunRecord> programVerdict, RunOutput output) {
    if (record instanceof ResultRecord.StepRecord s) {
      Step step = s.step().index() != null ? s.step() : withIndex(s.step(), steps.size());
      steps.add(step);
      s.notes().forEach(note -> output.agentNote(ResultsChannel.FILE_NAME + " line " + s.lineNumber() + ": " + note));
      journal.append(new RunStep(started.runId(), started.serialNumber(), step), step.endedAt() != null
          ? step.endedAt() : clock.instant(), RunProgress.afterStep(started.runId(), steps.size(), step));
    } else if (record instanceof ResultRecord.RunRecord r) {
      programVerdict.set(r);
    } else if (record instanceof ResultRecord.Invalid i) {
      output.agentNote(ResultsChannel.FILE_NAME + " line " + i.lineNumber() + " ignored: " + i.reason() + ": "
          + abbreviate(i.raw()));
    }
  }

  static Step withIndex(Step s, int index) {
    return new Step(s.name(), s.path(), index, s.startedAt(), s.endedAt(), s.outcome(), s.measurements(),
        s.errorCode(), s.errorMessage(), s.attachments());
  }

  private RunStarted describe(UUID runId, RunRequest r) {
    List<UnitUnderTest> units = new ArrayList<>();
    for (int i = 0; i < r.serialNumbers().size(); i++) {
      units.add(r.serialNumbers().size() == 1 ? UnitUnderTest.of(r.serialNumbers().get(0))
          : new UnitUnderTest(r.serialNumbers().get(i), i + 1, null));
    }
    String programName = first(r.programName(), config.run().programName(),
        Path.of(r.command().get(r.command().size() > 1 && isInterpreter(r.command().get(0)) ? 1 : 0))
            .getFileName().toString());
    Program program = new Program(programName, first(r.programVersion(), config.run().programVersion(), null),
        programHash(r));
    return new RunStarted(runId, r.serialNumbers().get(0), units, r.partNumber(), r.partRevision(), program,
        r.operator(), r.workOrder(), r.attempt(), first(r.testMethod(), config.run().testMethod(), null),
        first(r.operation(), config.run().operation(), null));
  }

  private Map<String, String> environment(RunStarted started, RunDirectory dir) {
    Map<String, String> env = new HashMap<>(forensics.childEnvironment());
    env.putAll(Map.of(
        ResultsChannel.ENV_RESULTS_FILE, dir.results().toAbsolutePath().toString(),
        ResultsChannel.ENV_RUN_DIR, dir.dir().toAbsolutePath().toString(),
        ResultsChannel.ENV_RUN_ID, started.runId().toString(),
        ResultsChannel.ENV_SERIAL_NUMBER, started.serialNumber(),
        ResultsChannel.ENV_STATION_ID, config.stationId()));
    // the agent's own environment without its secrets (ChildEnvironment), then the run's variables
    return config.run().environment().build(System.getenv(), env);
  }

  /** SHA-256 of the first argument that is a file (the script, or the binary), tying the result to the code. */
  private static String programHash(RunRequest r) {
    for (String arg : r.command()) {
      Path p = r.workDir().resolve(arg);
      if (Files.isRegularFile(p)) {
        try (InputStream in = Files.newInputStream(p)) {
          MessageDigest digest = RunOutput.sha256();
          byte[] buffer = new byte[64 * 1024];
          int n;
          while ((n = in.read(buffer)) > 0) {
            digest.update(buffer, 0, n);
          }
          return "sha256:" + HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
          log.warn("cannot hash program file {}: {}", p, e.getMessage(), e);
          return null;
        }
      }
    }
    return null;
  }

  private static boolean isInterpreter(String command) {
    String name = Path.of(command).getFileName().toString();
    return name.startsWith("python") || name.equals("sh") || name.equals("bash") || name.startsWith("perl")
        || name.equals("node") || name.equals("java") || name.equals("pwsh") || name.equals("powershell");
  }

  private static String first(String a, String b, String c) {
    return a != null ? a : b != null ? b : c;
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
