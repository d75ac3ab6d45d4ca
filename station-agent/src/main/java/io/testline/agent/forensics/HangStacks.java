package io.testline.agent.forensics;

import io.testline.agent.config.AgentConfig;
import io.testline.schemas.CrashSite;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where a timed-out program hangs, taken before the tree is killed: Python stacks by SIGABRT, native ones by gdb. */
final class HangStacks {
  private static final Logger log = LoggerFactory.getLogger(HangStacks.class);
  /** Native stacks are taken of the program's own process only: each gdb run costs seconds before the kill. */
  private static final int MAX_GDB_PROCESSES = 1;
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);

  private final AgentConfig.Forensics config;
  private final Tools tools;
  private final boolean posix;

  HangStacks(AgentConfig.Forensics config, Tools tools, boolean posix) {
    this.config = config;
    this.tools = tools;
    this.posix = posix;
  }

  /**
   * At a timeout, before the kill: SIGABRT to the tree's Python processes, then up to {@code hangGrace} for them
   * to print their stacks and exit; without Python processes, the stacks of every thread of the program's own
   * process through {@code gdb -p}.
   */
  CrashForensics.Hang take(ProcessHandle root, Consumer<String> note) throws InterruptedException {
    List<ProcessHandle> tree = new ArrayList<>();
    if (root.isAlive()) {
      tree.add(root);
    }
    root.descendants().forEach(tree::add);
    List<ProcessHandle> python = tree.stream().filter(CrashForensics::isPython).toList();
    if (!python.isEmpty() && config.pythonFaultHandler() && posix) {
      abort(python, note);
      return new CrashForensics.Hang(null, null, null, tree);
    }
    List<ProcessHandle> natives = tree.stream().limit(MAX_GDB_PROCESSES).toList();
    Optional<Gdb> gdb = Gdb.configured(config, tools);
    if (gdb.isEmpty()) {
      return new CrashForensics.Hang(null, null, Gdb.missing(config), tree);
    }
    StringBuilder stacks = new StringBuilder();
    CrashSite site = null;
    List<String> reasons = new ArrayList<>();
    for (ProcessHandle p : natives) {
      note.accept("timeout: taking the stacks of process " + p.pid() + " with gdb");
      Gdb.Backtrace bt = gdb.get().ofProcess(p.pid());
      if (bt.text() != null) {
        stacks.append("== process ").append(p.pid()).append(' ').append(p.info().command().orElse("?"))
            .append(" ==\n").append(bt.text());
      }
      if (site == null) {
        site = bt.site();
      }
      if (bt.reason() != null) {
        reasons.add(bt.reason());
      }
    }
    return new CrashForensics.Hang(stacks.isEmpty() ? null : PythonFaultHandler.bounded(stacks.toString(), CrashForensics.maxChars(config)), site,
        reasons.isEmpty() ? null : String.join("; ", reasons), tree);
  }

  private void abort(List<ProcessHandle> python, Consumer<String> note) throws InterruptedException {
    List<Long> pids = python.stream().map(ProcessHandle::pid).toList();
    note.accept("timeout: SIGABRT to Python process(es) " + pids + " for their stacks; killing the tree after "
        + config.hangGrace());
    Optional<Path> kill = tools.find("kill").or(() -> Optional.of(Path.of("/bin/kill")));
    List<String> command = new ArrayList<>(List.of(kill.get().toString(), "-ABRT"));
    pids.forEach(pid -> command.add(Long.toString(pid)));
    try {
      BoundedCommand.run(command, KILL_TIMEOUT, 4096);
    } catch (IOException e) {
      note.accept("cannot send SIGABRT: " + e.getMessage());
      return;
    }
    try {
      CompletableFuture.allOf(python.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
          .get(config.hangGrace().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      note.accept("Python process(es) still running " + config.hangGrace() + " after SIGABRT");
    } catch (ExecutionException e) {
      log.warn("waiting for Python processes failed: {}", e.getMessage(), e);
    }
  }
}
