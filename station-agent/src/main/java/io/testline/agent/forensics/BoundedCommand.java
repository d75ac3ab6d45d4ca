package io.testline.agent.forensics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a helper program (gdb, kill, coredumpctl) under a time and output bound: its stdout and stderr together, at
 * most {@code maxBytes} kept, the rest read and dropped; a program still running at the deadline is killed.
 */
final class BoundedCommand {
  private BoundedCommand() {}

  /** What the helper did: exit code (null when it was killed at the deadline) and its output. */
  record Result(Integer exitCode, String output, boolean truncated) {
    boolean succeeded() {
      return exitCode != null && exitCode == 0;
    }
  }

  static Result run(List<String> command, Duration timeout, int maxBytes) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    boolean[] truncated = {false};
    Thread reader = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try (InputStream in = process.getInputStream()) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          int room = maxBytes - kept.size();
          kept.write(buffer, 0, Math.max(0, Math.min(room, n)));
          truncated[0] |= n > room;
        }
      } catch (IOException e) {
        // the process was killed at the deadline: what was read is kept
      }
    }, "forensics-" + command.get(0));
    reader.setDaemon(true);
    reader.start();
    Integer exit = null;
    if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      exit = process.exitValue();
    } else {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    reader.join(TimeUnit.SECONDS.toMillis(5));
    synchronized (kept) {
      return new Result(exit, kept.toString(StandardCharsets.UTF_8), truncated[0]);
    }
  }
}
