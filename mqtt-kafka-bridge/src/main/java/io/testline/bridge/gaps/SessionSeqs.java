package io.testline.bridge.gaps;

import java.time.Instant;
import java.util.TreeSet;

/**
 * The seqs seen of one agent session, compactly: every seq below {@code next} was seen (or declared missing), plus
 * the seen seqs above it. Memory is proportional to the disorder, not to the session's length. Not thread-safe.
 */
final class SessionSeqs {
  private long next;
  private final TreeSet<Long> above = new TreeSet<>();
  /** When the oldest still-open hole was first noticed; null when there is none. */
  private Instant holeSince;
  private Instant lastSeen;

  SessionSeqs(Instant now) {
    this.lastSeen = now;
  }

  /** Records {@code seq}; false when it was seen before (a redelivery). */
  boolean see(long seq, Instant now) {
    lastSeen = now;
    if (seq < next || above.contains(seq)) {
      return false;
    }
    if (seq == next) {
      next++;
      while (!above.isEmpty() && above.first() == next) {
        above.pollFirst();
        next++;
      }
      if (above.isEmpty()) {
        holeSince = null;
      }
    } else {
      above.add(seq);
      if (holeSince == null) {
        holeSince = now;
      }
    }
    return true;
  }

  boolean hasHole() {
    return !above.isEmpty();
  }

  /** True when a hole has been open since before {@code deadline}. */
  boolean holeOlderThan(Instant deadline) {
    return holeSince != null && holeSince.isBefore(deadline);
  }

  Instant lastSeen() {
    return lastSeen;
  }

  /**
   * Declares the lowest hole missing and moves past it: returns {@code {from, to}} of the missing range. The next
   * hole, if any, gets a fresh grace period from {@code now}.
   */
  long[] closeLowestHole(Instant now) {
    long from = next;
    long to = above.first() - 1;
    next = above.first();
    while (!above.isEmpty() && above.first() == next) {
      above.pollFirst();
      next++;
    }
    holeSince = above.isEmpty() ? null : now;
    return new long[] {from, to};
  }
}
