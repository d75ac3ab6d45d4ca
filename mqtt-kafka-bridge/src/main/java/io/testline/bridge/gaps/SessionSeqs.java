package io.testline.bridge.gaps;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The seqs seen of one agent session, compactly: every seq below {@code next} was seen (or declared missing), plus
 * the seen seqs above it. Memory is proportional to the disorder, not to the session's length. Not thread-safe.
 *
 * <p>Seqs declared missing are remembered (for gaps up to {@link #FILL_TRACKING_LIMIT} events): a station that keeps
 * its runs until confirmed sends them again, and a gap whose every seq arrives later is reported filled.
 */
final class SessionSeqs {
  /** Larger gaps (a detector restart mid-session) are reported but not followed for a fill. */
  static final long FILL_TRACKING_LIMIT = 10_000;

  private long next;
  private final TreeSet<Long> above = new TreeSet<>();
  /** Declared gaps still waiting for a seq: from to {to, seqs still missing}. */
  private final TreeMap<Long, long[]> unfilled = new TreeMap<>();
  private final TreeSet<Long> missing = new TreeSet<>();
  private final List<long[]> filled = new ArrayList<>();
  /** When the oldest still-open hole was first noticed; null when there is none. */
  private Instant holeSince;
  private Instant lastSeen;
  private final Instant firstSeen;

  SessionSeqs(Instant now) {
    this.lastSeen = now;
    this.firstSeen = now;
  }

  /** A session forgotten complete up to {@code next} that sends again: it goes on from there. */
  static SessionSeqs resumed(long next, Instant now) {
    SessionSeqs seqs = new SessionSeqs(now);
    seqs.next = next;
    return seqs;
  }

  private SessionSeqs(Instant firstSeen, Instant lastSeen) {
    this.firstSeen = firstSeen;
    this.lastSeen = lastSeen;
  }

  /** What is known of this session, to be written down; {@link #restore} reads it back. */
  SessionState snapshot(String stationId, String agentSession) {
    List<long[]> gaps = new ArrayList<>();
    unfilled.forEach((from, toAndLeft) -> gaps.add(new long[] {from, toAndLeft[0]}));
    return new SessionState(stationId, agentSession, false, next, new ArrayList<>(above), gaps, ranges(missing),
        holeSince == null ? null : holeSince.toEpochMilli(), lastSeen.toEpochMilli(), firstSeen.toEpochMilli());
  }

  static SessionSeqs restore(SessionState state) {
    SessionSeqs seqs = new SessionSeqs(Instant.ofEpochMilli(state.firstSeen()), Instant.ofEpochMilli(state.lastSeen()));
    seqs.next = state.next();
    seqs.above.addAll(state.above());
    for (long[] range : state.missing()) {
      for (long seq = range[0]; seq <= range[1]; seq++) {
        seqs.missing.add(seq);
      }
    }
    for (long[] gap : state.unfilled()) {
      long left = seqs.missing.subSet(gap[0], true, gap[1], true).size();
      if (left > 0) {
        seqs.unfilled.put(gap[0], new long[] {gap[1], left});
      }
    }
    seqs.holeSince = state.holeSince() == null ? null : Instant.ofEpochMilli(state.holeSince());
    return seqs;
  }

  private static List<long[]> ranges(TreeSet<Long> seqs) {
    List<long[]> ranges = new ArrayList<>();
    long[] current = null;
    for (long seq : seqs) {
      if (current != null && seq == current[1] + 1) {
        current[1] = seq;
      } else {
        current = new long[] {seq, seq};
        ranges.add(current);
      }
    }
    return ranges;
  }

  /** Records {@code seq}; false when it was seen before (a redelivery). */
  boolean see(long seq, Instant now) {
    lastSeen = now;
    if (seq < next) {
      return missing.remove(seq) && filledOne(seq);
    }
    if (above.contains(seq)) {
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

  Instant firstSeen() {
    return firstSeen;
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
    if (to - from + 1 <= FILL_TRACKING_LIMIT) {
      for (long seq = from; seq <= to; seq++) {
        missing.add(seq);
      }
      unfilled.put(from, new long[] {to, to - from + 1});
    }
    return new long[] {from, to};
  }

  /** A missing seq arrived: counts it against its gap; true (it is news, not a redelivery). */
  private boolean filledOne(long seq) {
    var range = unfilled.floorEntry(seq);
    if (range != null && --range.getValue()[1] == 0) {
      unfilled.remove(range.getKey());
      filled.add(new long[] {range.getKey(), range.getValue()[0]});
    }
    return true;
  }

  /** True while a declared gap may still be filled. */
  boolean awaitsFill() {
    return !unfilled.isEmpty();
  }

  /** Gaps every seq of which has arrived since the last call, as {@code {from, to}}. */
  List<long[]> takeFilled() {
    if (filled.isEmpty()) {
      return List.of();
    }
    List<long[]> out = new ArrayList<>(filled);
    filled.clear();
    return out;
  }

  /** The next seq expected: every seq below it was seen or declared missing. */
  long next() {
    return next;
  }

}
