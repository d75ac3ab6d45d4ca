package io.testline.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drain after the program exits, with real child processes: a slow capture is waited for, a held pipe is not. */
class ChildProcessIT {
  private static final Duration QUIET = Duration.ofMillis(500);
  private static final Duration LIMIT = Duration.ofSeconds(20);

  @TempDir
  Path tmp;

  @Test
  void waits_for_a_capture_still_handling_output_longer_than_the_quiet_period() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    CountDownLatch neverReleased = new CountDownLatch(1);
    // a sink as slow as a starved station's: each line takes three quiet periods to hand over
    LineSink slow = line -> {
      try {
        neverReleased.await(QUIET.toMillis() * 3, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      lines.add(new String(line.bytes(), StandardCharsets.UTF_8));
    };
    try (ChildProcess child = start(List.of("sh", "-c", "echo one; echo two"), slow)) {
      assertThat(child.waitFor(Duration.ofSeconds(10))).isTrue();

      assertThat(child.awaitOutput(QUIET, LIMIT)).as("the capture ended").isTrue();
      assertThat(lines).containsExactly("one", "two");
    }
  }

  @Test
  void gives_up_after_the_quiet_period_on_a_pipe_a_background_process_holds_open() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    // the program outlives its first line a little, so that the capture waits in its next read when the program
    // exits: the JDK then leaves the pipe to the capture instead of draining and closing it itself
    try (ChildProcess child = start(List.of("sh", "-c", "sleep 10 & echo started; sleep 0.5"),
        line -> lines.add(new String(line.bytes(), StandardCharsets.UTF_8)))) {
      assertThat(child.waitFor(Duration.ofSeconds(10))).isTrue();
      long before = System.nanoTime();

      assertThat(child.awaitOutput(QUIET, LIMIT)).as("the capture ended").isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(LIMIT);
      assertThat(lines).containsExactly("started");
    }
  }

  @Test
  void stops_waiting_at_the_limit_for_a_capture_that_never_finishes_handling() throws Exception {
    CountDownLatch neverReleased = new CountDownLatch(1);
    LineSink stuck = line -> {
      try {
        neverReleased.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    try (ChildProcess child = start(List.of("sh", "-c", "echo one"), stuck)) {
      assertThat(child.waitFor(Duration.ofSeconds(10))).isTrue();
      long before = System.nanoTime();

      assertThat(child.awaitOutput(QUIET, Duration.ofSeconds(2))).as("the capture ended").isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - before)).isBetween(Duration.ofSeconds(2), LIMIT);
    }
  }

  private ChildProcess start(List<String> command, LineSink sink) throws Exception {
    return ChildProcess.start(command, tmp, System.getenv(), tmp.resolve("stdout.log"), tmp.resolve("stderr.log"), sink,
        Duration.ofMillis(200), Clock.systemUTC());
  }
}
