package io.testline.agent.capture;

import io.testline.schemas.LogStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A test program started as a child process with its stdout and stderr captured apart: each copied byte for byte to
 * its own file and cut into lines for a {@link LineSink}. Closing it stops the whole process tree if still running.
 */
public final class ChildProcess implements AutoCloseable {
  /** How often {@link #awaitOutput} looks at the pumps. */
  private static final long DRAIN_SLICE_MILLIS = 50;

  /** One captured stream: its pump and the thread that runs it. */
  private record Capture(StreamPump pump, Thread thread) {}

  private final Process process;
  private final List<Capture> captures;
  private final Duration killGrace;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ChildProcess(Process process, List<Capture> captures, Duration killGrace) {
    this.process = process;
    this.captures = captures;
    this.killGrace = killGrace;
  }

  /**
   * Starts {@code command} in {@code workDir} with exactly {@code environment} (see {@link ChildEnvironment}); stdin
   * is closed (a test under the agent runs unattended).
   */
  public static ChildProcess start(List<String> command, Path workDir, Map<String, String> environment, Path stdoutFile,
      Path stderrFile, LineSink sink, Duration killGrace, Clock clock) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    builder.environment().clear();
    builder.environment().putAll(environment);
    OutputStream stdoutRaw = new BufferedOutputStream(Files.newOutputStream(stdoutFile), 64 * 1024);
    OutputStream stderrRaw = new BufferedOutputStream(Files.newOutputStream(stderrFile), 64 * 1024);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      stdoutRaw.close();
      stderrRaw.close();
      throw e;
    }
    List<Capture> captures = List.of(
        capture(new StreamPump(LogStream.STDOUT, process.getInputStream(), stdoutRaw, sink,
            LineSplitter.DEFAULT_MAX_FRAGMENT_BYTES, clock), "capture-stdout-" + process.pid()),
        capture(new StreamPump(LogStream.STDERR, process.getErrorStream(), stderrRaw, sink,
            LineSplitter.DEFAULT_MAX_FRAGMENT_BYTES, clock), "capture-stderr-" + process.pid()));
    return new ChildProcess(process, captures, killGrace);
  }

  private static Capture capture(StreamPump pump, String threadName) {
    Thread thread = new Thread(pump, threadName);
    thread.setDaemon(true);
    thread.start();
    return new Capture(pump, thread);
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** Waits up to {@code timeout} for the program to exit; true when it did. */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit as decoded from the exit value; only after the program exited. */
  public Termination termination() {
    return Termination.fromExitValue(process.exitValue());
  }

  /** Stops the program and everything it started (SIGTERM, then SIGKILL after the grace period). */
  public List<Long> killTree() {
    return ProcessTree.kill(process.toHandle(), killGrace);
  }

  /** Stops the program's tree and the trees of {@code listedBefore}, processes of it listed before, e.g. a hang. */
  public List<Long> killTree(Collection<ProcessHandle> listedBefore) {
    Set<ProcessHandle> roots = new LinkedHashSet<>();
    roots.add(process.toHandle());
    roots.addAll(listedBefore);
    return ProcessTree.kill(roots, killGrace);
  }

  /**
   * Waits for both streams to reach end of file, after the program exited. A grandchild that keeps the pipes open
   * holds them: when neither pump has handled a read for {@code quiet} (counted from this call at the earliest),
   * this gives up and returns false, and the caller stops the tree. A pump that is slow, not stuck (a station so
   * loaded that the capture thread gets the CPU only now and then), is waited for while it is handling a read or has
   * handled one within {@code quiet}, up to {@code limit} in all: closing the run's output under it would leave the
   * rest of the output out of the journaled log.
   */
  public boolean awaitOutput(Duration quiet, Duration limit) throws InterruptedException {
    long start = System.nanoTime();
    while (true) {
      Thread running = null;
      boolean active = false;
      long now = System.nanoTime();
      for (Capture capture : captures) {
        if (capture.thread().isAlive()) {
          running = capture.thread();
          StreamPump pump = capture.pump();
          active |= pump.handling() || now - Math.max(start, pump.lastReadNanos()) < quiet.toNanos();
        }
      }
      if (running == null) {
        return true;
      }
      if (!active || now - start >= limit.toNanos()) {
        return false;
      }
      running.join(DRAIN_SLICE_MILLIS);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (process.isAlive() || process.toHandle().descendants().findAny().isPresent()) {
      killTree();
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }
}
