package io.testline.agent.forensics;

import io.testline.agent.config.AgentConfig;
import io.testline.schemas.CrashSite;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Native backtraces through gdb in batch mode ({@code thread apply all bt}), of a core file or of a live process
 * ({@code -p}, needs ptrace), each under a time and output bound. The crash site is the top frame of thread 1: in a
 * core the thread that received the signal, in a live process its main thread.
 */
final class Gdb {
  private static final Pattern THREAD_ONE = Pattern.compile("^Thread 1 ", Pattern.MULTILINE);
  private static final Pattern TOP_FRAME = Pattern.compile(
      "^#0\\s+(?:0x[0-9a-fA-F]+ in )?(\\S+?) \\(.*?\\)(?: at (\\S+):(\\d+))?(?: from \\S+)?\\s*$", Pattern.MULTILINE);

  private final Path gdb;
  private final Duration timeout;
  private final int maxChars;

  Gdb(Path gdb, Duration timeout, int maxChars) {
    this.gdb = gdb;
    this.timeout = timeout;
    this.maxChars = maxChars;
  }

  /** The gdb that {@code forensics.gdb} names, or empty when it is empty or not found. */
  static Optional<Gdb> configured(AgentConfig.Forensics config, Tools tools) {
    if (config.gdb().isBlank()) {
      return Optional.empty();
    }
    return tools.find(config.gdb()).map(path -> new Gdb(path, config.gdbTimeout(),
        CrashForensics.maxChars(config)));
  }

  /** Why {@link #configured} found no gdb. */
  static String missing(AgentConfig.Forensics config) {
    return config.gdb().isBlank() ? "no backtrace: forensics.gdb is empty"
        : "no backtrace: " + config.gdb() + " (forensics.gdb) is not installed or not on PATH";
  }

  /** gdb's output, or a reason why there is none. */
  record Backtrace(String text, CrashSite site, String reason) {}

  Backtrace ofCore(Path executable, Path core) throws InterruptedException {
    List<String> command = base();
    if (executable != null) {
      command.add(executable.toString());
    }
    command.addAll(List.of("--core", core.toString()));
    return run(command, "core " + core.getFileName());
  }

  Backtrace ofProcess(long pid) throws InterruptedException {
    List<String> command = base();
    command.addAll(List.of("-p", Long.toString(pid)));
    return run(command, "process " + pid);
  }

  private List<String> base() {
    return new ArrayList<>(List.of(gdb.toString(), "-batch", "-nx", "-q", "-ex", "set pagination off",
        "-ex", "thread apply all bt"));
  }

  private Backtrace run(List<String> command, String what) throws InterruptedException {
    try {
      BoundedCommand.Result result = BoundedCommand.run(command, timeout, maxChars * 2);
      String text = PythonFaultHandler.bounded(result.output(), maxChars);
      CrashSite site = topFrame(text);
      if (result.exitCode() == null) {
        return new Backtrace(text, site, "gdb on " + what + " did not finish within forensics.gdbTimeout "
            + timeout);
      }
      if (site == null) {
        return new Backtrace(text, null, "gdb on " + what + " printed no frame (exit " + result.exitCode()
            + "; ptrace not permitted, or no symbols?)");
      }
      return new Backtrace(text, site, null);
    } catch (IOException e) {
      return new Backtrace(null, null, "cannot run gdb on " + what + ": " + e.getMessage());
    }
  }

  /** The top frame of thread 1 (or of the only backtrace printed), or null. */
  static CrashSite topFrame(String gdbOutput) {
    Matcher thread = THREAD_ONE.matcher(gdbOutput);
    Matcher frame = TOP_FRAME.matcher(gdbOutput);
    if (!(thread.find() ? frame.find(thread.end()) : frame.find())) {
      return null;
    }
    String function = frame.group(1);
    return new CrashSite(frame.group(2), frame.group(3) == null ? null : PythonFaultHandler.parseLine(frame.group(3)),
        PythonFaultHandler.bounded(function, CrashSite.MAX_FUNCTION_CHARS));
  }
}
