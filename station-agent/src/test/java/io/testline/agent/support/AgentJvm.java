package io.testline.agent.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code testline-agent} as a real separate JVM started from the test classpath with the JVM options of
 * {@code dist/testline-agent}, its stdout and stderr in one file.
 * {@link #stop()} sends SIGTERM (what systemd and Ctrl-C do) and waits for the exit code; {@link #close()} kills
 * whatever is still running so a failed test leaves no agent behind.
 */
public final class AgentJvm implements AutoCloseable {
  private final Process process;
  private final Path output;

  private AgentJvm(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** Starts {@code Main} with {@code args}; {@code extraJvmOptions} go before the main class. */
  public static AgentJvm start(Path output, List<String> extraJvmOptions, String... args) throws IOException {
    return start(output, java.util.Map.of(), extraJvmOptions, args);
  }

  /** As {@link #start(Path, List, String...)} with {@code extraEnv} added to this JVM's environment. */
  public static AgentJvm start(Path output, java.util.Map<String, String> extraEnv, List<String> extraJvmOptions,
      String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx64m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1"));
    command.addAll(extraJvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.testline.agent.cli.Main"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(extraEnv);
    Process process = builder.start();
    return new AgentJvm(process, output);
  }

  public static AgentJvm start(Path output, String... args) throws IOException {
    return start(output, List.of(), args);
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM to the agent JVM (on Linux {@link Process#destroy()} sends SIGTERM); returns its exit code. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the agent did not exit within 60 s of SIGTERM; output:\n" + output());
    }
    return process.exitValue();
  }

  /** Waits for the agent to end by itself; returns its exit code. */
  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("the agent did not exit within " + timeout + "; output:\n" + output());
    }
    return process.exitValue();
  }

  /** What the agent printed so far (stdout and stderr). */
  public String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return "(cannot read " + output + ": " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java") + (File.separatorChar == '\\' ? ".exe" : "");
  }
}
