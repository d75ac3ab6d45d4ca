package io.testline.agent.capture;

import io.testline.schemas.LogStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A test program started as a child process with its stdout and stderr captured apart: each copied byte for byte to
 * its own file and cut into lines for a {@link LineSink}. Closing it stops the whole process tree if still running.
 */
public final class ChildProcess implements AutoCloseable {
  private final Process process;
  private final Thread stdoutPump;
  private final Thread stderrPump;
  private final Duration killGrace;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ChildProcess(Process process, Thread stdoutPump, Thread stderrPump, Duration killGrace) {
    this.process = process;
    this.stdoutPump = stdoutPump;
    this.stderrPump = stderrPump;
    this.killGrace = killGrace;
  }

  /**
   * Starts {@code command} in {@code workDir} with {@code extraEnv} added to the agent's environment; stdin is
   * closed (a test under the agent runs unattended).
   */
  public static ChildProcess start(List<String> command, Path workDir, Map<String, String> extraEnv, Path stdoutFile,
      Path stderrFile, LineSink sink, Duration killGrace, Clock clock) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    builder.environment().putAll(extraEnv);
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
    Thread out = new Thread(new StreamPump(LogStream.STDOUT, process.getInputStream(), stdoutRaw, sink,
        LineSplitter.DEFAULT_MAX_FRAGMENT_BYTES, clock), "capture-stdout-" + process.pid());
    Thread err = new Thread(new StreamPump(LogStream.STDERR, process.getErrorStream(), stderrRaw, sink,
        LineSplitter.DEFAULT_MAX_FRAGMENT_BYTES, clock), "capture-stderr-" + process.pid());
    out.setDaemon(true);
    err.setDaemon(true);
    out.start();
    err.start();
    return new ChildProcess(process, out, err, killGrace);
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

  /**
   * Waits up to {@code timeout} for both streams to reach end of file. A grandchild that keeps the pipes open after
   * the program exited holds them; false then, and the caller stops the tree.
   */
  public boolean awaitOutput(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    stdoutPump.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    stderrPump.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    return !stdoutPump.isAlive() && !stderrPump.isAlive();
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
