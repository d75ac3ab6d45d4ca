package io.testline.cli.replay;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** A progress line on stderr at most every {@link #EVERY}: records read so far, of about how many. */
final class Progress {
  static final Duration EVERY = Duration.ofSeconds(2);

  private final PrintStream err;
  private final Clock clock;
  private String topic = "";
  private long total = -1;
  private long read;
  private Instant next;

  Progress(PrintStream err, Clock clock) {
    this.err = err;
    this.clock = clock;
    this.next = clock.instant().plus(EVERY);
  }

  /** A new topic begins; {@code total} is its window's size, or -1 when unknown. */
  void topic(String name, long windowSize) {
    topic = name;
    total = windowSize;
    read = 0;
  }

  /** One record read; prints when the interval has passed (checking the clock every 1024 records only). */
  void tick() {
    read++;
    if ((read & 1023) == 0 && !clock.instant().isBefore(next)) {
      next = clock.instant().plus(EVERY);
      err.println("replay: " + topic + " " + read + (total >= 0 ? " / ~" + total : "") + " records read");
    }
  }
}
