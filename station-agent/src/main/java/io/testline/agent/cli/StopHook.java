package io.testline.agent.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns Ctrl-C or SIGTERM to the agent into an orderly stop: the hook tells the command to stop, waits (bounded) for
 * it to finish journaling, then ends the JVM with the command's exit code (a JVM stopped by a signal would otherwise
 * exit 130 or 143). Removed again when the command ends normally.
 */
final class StopHook implements AutoCloseable {
  private final Thread hook;
  private final CountDownLatch done = new CountDownLatch(1);
  private final AtomicInteger exitCode = new AtomicInteger(-1);

  StopHook(Runnable onStop, Duration maxWait) {
    this.hook = new Thread(() -> {
      onStop.run();
      try {
        if (done.await(maxWait.toMillis(), TimeUnit.MILLISECONDS) && exitCode.get() >= 0) {
          Runtime.getRuntime().halt(exitCode.get());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "agent-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** The command finished with {@code code}; a waiting hook may end the JVM with it. */
  void finished(int code) {
    exitCode.set(code);
    done.countDown();
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutdown already in progress: the hook is running and will use finished()'s code
    }
  }
}
