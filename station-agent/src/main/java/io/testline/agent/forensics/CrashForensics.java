package io.testline.agent.forensics;

import io.testline.agent.capture.Termination;
import io.testline.agent.config.AgentConfig;
import io.testline.agent.journal.PendingUpload;
import io.testline.schemas.Crash;
import io.testline.schemas.CrashKind;
import io.testline.schemas.CrashSite;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects where a test program crashed or hung, out of process, under time and size bounds; a failure here is
 * recorded as the crash section's reason, never fatal to the run. Before the start it adds
 * {@code PYTHONFAULTHANDLER=1} to the environment and raises the child's core size limit; at a timeout, before the
 * tree is killed, it sends SIGABRT to Python processes (faulthandler prints their stacks) or takes the stacks of
 * native ones with {@code gdb -p}; after the child ended it reads faulthandler's block from stderr, keeps the core
 * and backtraces it with gdb, takes a Windows minidump from {@code forensics.minidumpDir}, and picks the kept files
 * that are uploaded with the run ({@code forensics.uploadCores}, under {@code forensics.uploadMaxBytes}).
 */
public final class CrashForensics {
  private static final Logger log = LoggerFactory.getLogger(CrashForensics.class);
  /** How much of the end of stderr is searched for faulthandler's block. */
  private static final int STDERR_TAIL_BYTES = 1 << 20;
  static final String CORE_WRAPPER_NAME = "testline-core-limit";

  private final AgentConfig.Forensics config;
  private final Tools tools;
  private final Supplier<CorePattern> corePattern;
  private final boolean posix;

  public CrashForensics(AgentConfig.Forensics config) {
    this(config, Tools.fromEnvironment(), CrashForensics::systemCorePattern,
        !System.getProperty("os.name").startsWith("Windows"));
  }

  CrashForensics(AgentConfig.Forensics config, Tools tools, Supplier<CorePattern> corePattern, boolean posix) {
    this.config = config;
    this.tools = tools;
    this.corePattern = corePattern;
    this.posix = posix;
  }

  /** What the program is: its pid, the executable it was started as, its working directory, its start. */
  public record Subject(long pid, Path executable, Path workDir, Instant startedAt) {}

  /** What was taken before a timeout kill: native stacks, and every process of the tree to kill. */
  public record Hang(String stacks, CrashSite site, String reason, List<ProcessHandle> processes) {}

  /** Variables added to the program's environment. */
  public Map<String, String> childEnvironment() {
    return config.pythonFaultHandler() ? Map.of("PYTHONFAULTHANDLER", "1") : Map.of();
  }

  /** The executable {@code command} starts, resolved as the OS would, or null when not found. */
  public Path executable(List<String> command, Path workDir) {
    String program = command.get(0);
    if (program.contains("/")) {
      Path p = workDir.resolve(program).normalize();
      return Files.isRegularFile(p) ? p : null;
    }
    return tools.find(program).orElse(null);
  }

  /**
   * The command to start: with core dumps on (POSIX), wrapped in {@code /bin/sh} that raises the soft core size
   * limit to the cap (or to the hard limit when that is lower) and execs the program, so the pid stays the same.
   * A program that cannot be found is left unwrapped, so it fails to start as before.
   */
  public List<String> command(List<String> command, Path workDir) {
    if (!config.coreDumps() || !posix || !Files.isExecutable(Path.of("/bin/sh"))
        || executable(command, workDir) == null) {
      return command;
    }
    long blocks = Math.max(1, config.coreMaxBytes() / 512);
    List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c",
        "ulimit -S -c " + blocks + " 2>/dev/null || ulimit -S -c \"$(ulimit -H -c)\"; exec \"$@\"",
        CORE_WRAPPER_NAME));
    wrapped.addAll(command);
    return wrapped;
  }

  /**
   * At a timeout, before the kill: SIGABRT to the tree's Python processes, then up to {@code hangGrace} for them
   * to print their stacks and exit; without Python processes, the stacks of every thread of the program's own
   * process through {@code gdb -p}.
   */
  public Hang beforeTimeoutKill(ProcessHandle root, Consumer<String> note) throws InterruptedException {
    try {
      return new HangStacks(config, tools, posix).take(root, note);
    } catch (RuntimeException e) {
      log.error("taking the stacks of hung process {} failed: {}", root.pid(), e.getMessage(), e);
      return new Hang(null, null, "taking the stacks failed: " + e, List.of());
    }
  }

  /**
   * Where the program crashed or hung; null when the run neither crashed (died by a signal that is not a stop
   * request) nor timed out.
   */
  public Crash collect(Termination termination, boolean timedOut, boolean crashed, Path runDir, Path stderr,
      Subject subject, Hang hang) throws InterruptedException {
    if (!timedOut && !crashed) {
      return null;
    }
    List<String> reasons = new ArrayList<>();
    Optional<Crash> python = config.pythonFaultHandler()
        ? PythonFaultHandler.parse(tail(stderr), maxChars(config)) : Optional.empty();
    CoreFiles.Kept core = null;
    if (termination != null && termination.coreDumped()) {
      if (config.coreDumps() && posix) {
        core = new CoreFiles(corePattern.get(), config.coreMaxBytes(), tools, config.gdbTimeout())
            .keep(runDir, subject.workDir(), subject.pid(), subject.executable() == null ? "?"
                : subject.executable().getFileName().toString(), subject.startedAt());
        if (core.reason() != null) {
          reasons.add(core.reason());
        }
      } else {
        reasons.add("no core: forensics.coreDumps is off");
      }
    } else if (termination != null && termination.bySignal()) {
      reasons.add(termination.signalName() + " writes no core");
    }
    String coreFile = core == null || core.core() == null ? null : core.core().getFileName().toString();
    if (python.isPresent()) {
      Crash p = python.get();
      return new Crash(p.kind(), p.site(), p.reason(), p.traceback(), coreFile);
    }
    if (!config.pythonFaultHandler()) {
      reasons.add("forensics.pythonFaultHandler is off");
    }
    if (hang != null && hang.stacks() != null) {
      return new Crash(CrashKind.NATIVE_BACKTRACE, hang.site(), hang.reason(), hang.stacks(), coreFile);
    }
    if (hang != null && hang.reason() != null) {
      reasons.add(0, hang.reason());
    }
    if (coreFile != null) {
      Optional<Gdb> gdb = Gdb.configured(config, tools);
      if (gdb.isEmpty()) {
        reasons.add(Gdb.missing(config) + "; the core is kept in the run directory");
        return new Crash(CrashKind.NONE, null, reason(reasons), null, coreFile);
      }
      Gdb.Backtrace bt = gdb.get().ofCore(subject.executable(), core.core());
      if (bt.text() != null && bt.site() != null) {
        return new Crash(CrashKind.NATIVE_BACKTRACE, bt.site(), bt.reason(), bt.text(), coreFile);
      }
      reasons.add(bt.reason());
      return new Crash(CrashKind.NONE, null, reason(reasons), bt.text(), coreFile);
    }
    return Crash.none(reasons.isEmpty() ? "no evidence found" : reason(reasons));
  }

  /**
   * With {@code forensics.minidumpDir} set: the minidump WER wrote for the program (its pid, or that of a process of
   * its tree in {@code pids}, written after the run started) copied into the run directory and named in the crash
   * section, whose kind becomes {@link CrashKind#MINIDUMP} when it had no other evidence. A run without a crash
   * section gets one when a minidump is found (a Windows crash ends with an exit code, not a signal). Returns
   * {@code crash} unchanged when there is no folder or no minidump.
   */
  public Crash withMinidump(Crash crash, Path runDir, Subject subject, Set<Long> pids) {
    if (config.minidumpDir() == null || subject == null) {
      return crash;
    }
    Minidumps.Kept kept = new Minidumps(config.minidumpDir(), config.coreMaxBytes())
        .keep(pids, subject.startedAt(), runDir);
    if (kept.name() == null) {
      return kept.reason() == null || crash == null ? crash : crash.withUploads(crash.uploaded(),
          reason(crash.reason() == null ? List.of(kept.reason()) : List.of(crash.reason(), kept.reason())));
    }
    if (crash == null) {
      return new Crash(CrashKind.MINIDUMP, null, null, null, null).withMinidump(kept.name());
    }
    Crash withDump = crash.withMinidump(kept.name());
    return crash.kind() != CrashKind.NONE ? withDump : new Crash(CrashKind.MINIDUMP, null, crash.reason(),
        crash.traceback(), crash.coreFile(), kept.name(), crash.uploaded());
  }

  /** The files uploaded with the run, and the crash section that names them (or says why one is not). */
  public record Uploads(List<PendingUpload> files, Crash crash) {}

  /**
   * The kept core and minidump to upload: none unless {@code forensics.uploadCores}; a file over
   * {@code forensics.uploadMaxBytes}, or that the journal has no room for ({@code journalRoom} bytes), stays in the
   * run directory with the reason added to the crash section.
   */
  public Uploads uploads(Crash crash, Path runDir, UUID runId, String serialNumber, long journalRoom) {
    CrashUploads.Plan plan = new CrashUploads(config.uploadCores(), config.uploadMaxBytes())
        .plan(crash, runDir, runId, serialNumber, journalRoom);
    return new Uploads(plan.files(), plan.crash());
  }

  static int maxChars(AgentConfig.Forensics config) {
    return Math.min(config.tracebackMaxChars(), Crash.MAX_TRACEBACK_CHARS);
  }

  private static String reason(List<String> reasons) {
    return PythonFaultHandler.bounded(reasons.stream().distinct().collect(Collectors.joining("; ")),
        Crash.MAX_REASON_CHARS);
  }

  static boolean isPython(ProcessHandle p) {
    return p.info().command().map(c -> Path.of(c).getFileName().toString().startsWith("python")).orElse(false);
  }

  /** The last {@value #STDERR_TAIL_BYTES} bytes of the program's stderr, as text. */
  static String tail(Path stderr) {
    try (RandomAccessFile file = new RandomAccessFile(stderr.toFile(), "r")) {
      long start = Math.max(0, file.length() - STDERR_TAIL_BYTES);
      byte[] bytes = new byte[(int) (file.length() - start)];
      file.seek(start);
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      log.warn("cannot read {} for a traceback: {}", stderr, e.getMessage(), e);
      return "";
    }
  }

  static CorePattern systemCorePattern() {
    try {
      String text = Files.readString(CorePattern.PATTERN_FILE).strip();
      boolean usesPid = Files.isRegularFile(CorePattern.USES_PID_FILE)
          && Files.readString(CorePattern.USES_PID_FILE).strip().equals("1");
      return new CorePattern(text, usesPid);
    } catch (IOException e) {
      return new CorePattern("", false);
    }
  }
}
