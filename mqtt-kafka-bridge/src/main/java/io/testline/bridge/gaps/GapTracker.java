package io.testline.bridge.gaps;

import io.testline.schemas.SeqGap;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Sequence-gap detection over every station's agent sessions, like Sparkplug's {@code seq}: seqs start at 0 in each
 * session and rise by one per event. A seq still missing after the grace period is a gap; so is a hole left in a
 * session once a newer session of the station has started and the grace period passed. A seq seen twice is a
 * duplicate (a redelivery), counted, never a gap. Pure and single-threaded: the caller passes the time.
 *
 * <p>Order does not matter within the grace period, which is what a shared subscription needs: the instances of
 * the bridge forward one session's events in any interleaving.
 *
 * <p>A gap is not always final: a station that keeps its runs until the pipeline confirms them sends an unconfirmed
 * run again, with its original seqs. When every seq of a reported gap has arrived, {@link #due} reports the gap
 * again with cause {@link SeqGap#FILLED}. A session is remembered while a gap of it may still be filled (at most
 * {@link #UNFILLED_RETENTION}); a forgotten session's next seq is kept (the last {@link #FORGOTTEN_LIMIT}) so a late
 * resend of it counts as a duplicate, not as a new session with a hole at its start.
 *
 * <p>What it knows survives a restart of its owner: {@link #changes} hands over the state of every session changed
 * since the last call (to be written down), and {@link #restore} takes such states back before the first event.
 */
final class GapTracker {
  /** How long a superseded session is kept for a fill of its gaps. */
  static final Duration UNFILLED_RETENTION = Duration.ofHours(2);
  /** Forgotten sessions whose next seq is remembered. */
  static final int FORGOTTEN_LIMIT = 100_000;

  private final Duration grace;
  private final Map<UUID, Long> forgotten = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<UUID, Long> eldest) {
      return size() > FORGOTTEN_LIMIT;
    }
  };
  private final Map<String, Map<UUID, SessionSeqs>> stations = new HashMap<>();
  private final Map<String, UUID> newestSession = new HashMap<>();
  private final Map<String, Instant> newestSessionSince = new HashMap<>();
  private long duplicates;
  /** Sessions changed since the last {@link #changes()}, with their station. */
  private final Map<UUID, String> changed = new LinkedHashMap<>();
  /** Sessions forgotten since the last {@link #changes()}. */
  private final List<SessionState> forgottenChanges = new ArrayList<>();

  GapTracker(Duration grace) {
    if (grace.isNegative() || grace.isZero()) {
      throw new IllegalArgumentException("grace: must be > 0, was " + grace);
    }
    this.grace = grace;
  }

  /** Records one event; returns false when it is a duplicate. */
  boolean see(String stationId, UUID agentSession, long seq, Instant now) {
    Map<UUID, SessionSeqs> sessions = stations.computeIfAbsent(stationId, s -> new HashMap<>());
    Long forgottenNext = sessions.containsKey(agentSession) ? null : forgotten.get(agentSession);
    if (forgottenNext != null && seq < forgottenNext) {
      duplicates++; // a late resend of a session that was complete when it was forgotten
      return false;
    }
    SessionSeqs seqs = sessions.get(agentSession);
    if (seqs == null) {
      // A forgotten session was complete up to its next seq: one that sends again (an agent that outlived a newer
      // session of its station, e.g. `serve` beside a `run`) goes on from there, not from a hole at 0.
      seqs = forgottenNext != null ? SessionSeqs.resumed(forgottenNext, now) : new SessionSeqs(now);
      sessions.put(agentSession, seqs);
      forgotten.remove(agentSession);
    }
    changed.put(agentSession, stationId);
    UUID newest = newestSession.get(stationId);
    if (newest == null || isNewer(agentSession, newest)) {
      newestSession.put(stationId, agentSession);
      newestSessionSince.put(stationId, now);
    }
    boolean fresh = seqs.see(seq, now);
    if (!fresh) {
      duplicates++;
    }
    return fresh;
  }

  /** The gaps due at {@code now}; each is reported once. Also forgets finished, superseded sessions. */
  List<SeqGap> due(Instant now) {
    Instant deadline = now.minus(grace);
    List<SeqGap> gaps = new ArrayList<>();
    for (Map.Entry<String, Map<UUID, SessionSeqs>> station : stations.entrySet()) {
      UUID newest = newestSession.get(station.getKey());
      boolean newestSettled = newestSessionSince.get(station.getKey()).isBefore(deadline);
      for (Iterator<Map.Entry<UUID, SessionSeqs>> it = station.getValue().entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<UUID, SessionSeqs> session = it.next();
        SessionSeqs seqs = session.getValue();
        boolean superseded = !session.getKey().equals(newest) && newestSettled;
        for (long[] range : seqs.takeFilled()) {
          gaps.add(new SeqGap(station.getKey(), session.getKey(), range[0], range[1], now, SeqGap.FILLED));
        }
        while (seqs.hasHole() && (seqs.holeOlderThan(deadline) || superseded)) {
          changed.put(session.getKey(), station.getKey());
          long[] range = seqs.closeLowestHole(now);
          gaps.add(new SeqGap(station.getKey(), session.getKey(), range[0], range[1], now,
              superseded ? SeqGap.SESSION_ENDED : SeqGap.TIMEOUT));
        }
        // A superseded session with no hole that has been quiet for the grace period is done, unless a gap of it
        // may still be filled.
        boolean waitOver = !seqs.awaitsFill() || seqs.lastSeen().isBefore(now.minus(UNFILLED_RETENTION));
        if (superseded && !seqs.hasHole() && seqs.lastSeen().isBefore(deadline) && waitOver) {
          forgotten.put(session.getKey(), seqs.next());
          it.remove();
          changed.remove(session.getKey());
          forgottenChanges.add(new SessionState(station.getKey(), session.getKey().toString(), true, seqs.next(),
              null, null, null, null, seqs.lastSeen().toEpochMilli(), seqs.firstSeen().toEpochMilli()));
        }
      }
    }
    return gaps;
  }

  /**
   * The state of every session changed (or forgotten) since the last call, newest knowledge only; writing them down
   * and handing them to {@link #restore} after a restart brings a tracker back to where this one is.
   */
  List<SessionState> changes() {
    List<SessionState> out = new ArrayList<>(forgottenChanges);
    forgottenChanges.clear();
    for (Map.Entry<UUID, String> c : changed.entrySet()) {
      SessionSeqs seqs = stations.getOrDefault(c.getValue(), Map.of()).get(c.getKey());
      if (seqs != null) {
        out.add(seqs.snapshot(c.getValue(), c.getKey().toString()));
      }
    }
    changed.clear();
    return out;
  }

  /** True when {@link #changes()} has something to hand over. */
  boolean hasChanges() {
    return !changed.isEmpty() || !forgottenChanges.isEmpty();
  }

  /**
   * States handed over by {@link #changes()} that could not be written down: the next {@link #changes()} hands over
   * those sessions again, with what is known of them then (never the older state).
   */
  void unwritten(List<SessionState> states) {
    for (SessionState state : states) {
      UUID session = UUID.fromString(state.agentSession());
      if (stations.getOrDefault(state.stationId(), Map.of()).containsKey(session)) {
        changed.put(session, state.stationId());
      } else if (state.forgotten() && forgotten.containsKey(session)) {
        forgottenChanges.add(state);
      }
    }
  }

  /**
   * Takes back one session's state written down by {@link #changes()}; a later state of the same session replaces
   * an earlier one. Call before the first {@link #see}.
   */
  void restore(SessionState state) {
    UUID session = UUID.fromString(state.agentSession());
    Map<UUID, SessionSeqs> sessions = stations.computeIfAbsent(state.stationId(), s -> new HashMap<>());
    if (state.forgotten()) {
      sessions.remove(session);
      forgotten.put(session, state.next());
    } else {
      forgotten.remove(session);
      sessions.put(session, SessionSeqs.restore(state));
    }
    UUID newest = null;
    for (UUID candidate : sessions.keySet()) {
      newest = newest == null || isNewer(candidate, newest) ? candidate : newest;
    }
    if (newest == null) {
      stations.remove(state.stationId());
      newestSession.remove(state.stationId());
      newestSessionSince.remove(state.stationId());
    } else {
      newestSession.put(state.stationId(), newest);
      newestSessionSince.put(state.stationId(), sessions.get(newest).firstSeen());
    }
  }

  /** Events seen more than once so far. */
  long duplicates() {
    return duplicates;
  }

  /** Sessions tracked, for a gauge. */
  int sessions() {
    return stations.values().stream().mapToInt(Map::size).sum();
  }

  /**
   * UUIDv7 sessions sort by their start time in the most significant bits, then by the rest: two ids of one
   * millisecond share those bits, and a monotonic generator (the agent's) counts up in the least significant ones.
   * Other UUIDs sort by their value.
   */
  static boolean isNewer(UUID candidate, UUID current) {
    if (candidate.version() == 7 && current.version() == 7) {
      int byTime = Long.compareUnsigned(candidate.getMostSignificantBits(), current.getMostSignificantBits());
      return byTime != 0 ? byTime > 0
          : Long.compareUnsigned(candidate.getLeastSignificantBits(), current.getLeastSignificantBits()) > 0;
    }
    return candidate.compareTo(current) > 0;
  }
}
