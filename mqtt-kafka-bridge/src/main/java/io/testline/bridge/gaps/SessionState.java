package io.testline.bridge.gaps;

import java.util.List;
import java.util.Objects;

/**
 * What the gap detector knows of one agent session, as written to the compacted seq-state topic (JSON, key
 * {@code stationId/agentSession}): enough to carry on after a restart as if it had never stopped. Times are epoch
 * milliseconds of the detector's clock. A {@code forgotten} session is one that was complete when dropped from
 * memory: only its {@code next} matters (a late resend below it is a duplicate).
 *
 * @param next      every seq below it was seen or declared missing
 * @param above     seqs seen above {@code next}
 * @param unfilled  declared gaps still waiting for a resend, as {@code [from, to]}
 * @param missing   the seqs of those gaps not yet arrived, as {@code [from, to]} ranges
 * @param holeSince when the oldest open hole was first noticed, or null
 */
record SessionState(String stationId, String agentSession, boolean forgotten, long next, List<Long> above,
    List<long[]> unfilled, List<long[]> missing, Long holeSince, long lastSeen, long firstSeen) {

  SessionState {
    Objects.requireNonNull(stationId, "stationId");
    Objects.requireNonNull(agentSession, "agentSession");
    above = above == null ? List.of() : List.copyOf(above);
    unfilled = unfilled == null ? List.of() : List.copyOf(unfilled);
    missing = missing == null ? List.of() : List.copyOf(missing);
  }
}
