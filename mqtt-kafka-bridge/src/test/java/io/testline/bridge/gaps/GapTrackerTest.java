package io.testline.bridge.gaps;

import io.testline.schemas.SeqGap;
import static org.assertj.core.api.Assertions.assertThat;

import io.testline.schemas.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GapTrackerTest {
  private static final Duration GRACE = Duration.ofSeconds(30);
  private final Instant t0 = Instant.parse("2026-11-22T06:00:00Z");
  private final GapTracker tracker = new GapTracker(GRACE);
  private final UUID session = Ids.newId();

  @Test
  void reports_no_gap_for_a_contiguous_session_received_out_of_order() {
    for (long seq : new long[] {2, 0, 1, 4, 3}) {
      tracker.see("ST-1", session, seq, t0);
    }
    assertThat(tracker.due(t0.plus(GRACE).plusSeconds(1))).isEmpty();
  }

  @Test
  void reports_a_missing_seq_only_after_the_grace_period() {
    tracker.see("ST-1", session, 0, t0);
    tracker.see("ST-1", session, 3, t0);
    assertThat(tracker.due(t0.plusSeconds(10))).isEmpty();
    List<SeqGap> gaps = tracker.due(t0.plus(GRACE).plusSeconds(1));
    assertThat(gaps).singleElement().satisfies(gap -> {
      assertThat(gap.fromSeq()).isEqualTo(1);
      assertThat(gap.toSeq()).isEqualTo(2);
      assertThat(gap.cause()).isEqualTo(SeqGap.TIMEOUT);
    });
    assertThat(tracker.due(t0.plus(GRACE).plusSeconds(100))).isEmpty();
  }

  @Test
  void late_arrival_within_the_grace_period_closes_the_hole() {
    tracker.see("ST-1", session, 0, t0);
    tracker.see("ST-1", session, 2, t0);
    tracker.see("ST-1", session, 1, t0.plusSeconds(5));
    assertThat(tracker.due(t0.plus(GRACE).plusSeconds(1))).isEmpty();
  }

  @Test
  void counts_redeliveries_as_duplicates_not_gaps() {
    tracker.see("ST-1", session, 0, t0);
    tracker.see("ST-1", session, 1, t0);
    assertThat(tracker.see("ST-1", session, 1, t0)).isFalse();
    assertThat(tracker.see("ST-1", session, 0, t0)).isFalse();
    assertThat(tracker.duplicates()).isEqualTo(2);
    assertThat(tracker.due(t0.plus(GRACE).plusSeconds(1))).isEmpty();
  }

  @Test
  void reports_several_holes_of_one_session_separately() {
    for (long seq : new long[] {0, 2, 5}) {
      tracker.see("ST-1", session, seq, t0);
    }
    Instant later = t0.plus(GRACE).plusSeconds(1);
    List<SeqGap> first = tracker.due(later);
    assertThat(first).extracting(SeqGap::fromSeq, SeqGap::toSeq).containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 1L));
    List<SeqGap> second = tracker.due(later.plus(GRACE).plusSeconds(1));
    assertThat(second).extracting(SeqGap::fromSeq, SeqGap::toSeq).containsExactly(org.assertj.core.groups.Tuple.tuple(3L, 4L));
  }

  @Test
  void closes_an_old_session_with_holes_once_a_newer_session_has_started() {
    tracker.see("ST-1", session, 0, t0);
    tracker.see("ST-1", session, 2, t0);
    UUID newer = Ids.newId();
    tracker.see("ST-1", newer, 0, t0.plusSeconds(1));
    List<SeqGap> gaps = tracker.due(t0.plus(GRACE).plusSeconds(2));
    assertThat(gaps).singleElement().satisfies(gap -> {
      assertThat(gap.agentSession()).isEqualTo(session);
      assertThat(gap.fromSeq()).isEqualTo(1);
    });
    assertThat(tracker.due(t0.plus(GRACE).plus(GRACE).plusSeconds(5))).isEmpty();
    assertThat(tracker.sessions()).as("kept while its gap may still be filled").isEqualTo(2);
    assertThat(tracker.due(t0.plus(GapTracker.UNFILLED_RETENTION).plusSeconds(5))).isEmpty();
    assertThat(tracker.sessions()).isEqualTo(1);
  }

  @Test
  void a_session_started_in_the_same_millisecond_as_the_last_still_counts_as_newer() {
    UUID previous = Ids.newId();
    for (int i = 0; i < 10_000; i++) {
      UUID next = Ids.newId();
      assertThat(GapTracker.isNewer(next, previous)).as("%s after %s", next, previous).isTrue();
      assertThat(GapTracker.isNewer(previous, next)).isFalse();
      previous = next;
    }
  }

  @Test
  void keeps_stations_apart() {
    tracker.see("ST-1", session, 0, t0);
    tracker.see("ST-2", session, 1, t0);
    assertThat(tracker.due(t0.plus(GRACE).plusSeconds(1))).singleElement()
        .satisfies(gap -> assertThat(gap.stationId()).isEqualTo("ST-2"));
  }

  @Test
  void a_gap_whose_events_arrive_later_is_reported_filled_once_every_seq_is_there() {
    tracker.see("ST-1", session, 0, t0);
    tracker.see("ST-1", session, 4, t0);
    assertThat(tracker.due(t0.plus(GRACE).plusSeconds(1))).singleElement()
        .satisfies(gap -> assertThat(gap.cause()).isEqualTo(SeqGap.TIMEOUT));
    Instant later = t0.plusSeconds(120);
    assertThat(tracker.see("ST-1", session, 1, later)).as("a resent seq is news").isTrue();
    assertThat(tracker.see("ST-1", session, 2, later)).isTrue();
    assertThat(tracker.due(later)).as("seq 3 is still missing").isEmpty();
    assertThat(tracker.see("ST-1", session, 2, later)).as("twice is a duplicate").isFalse();
    tracker.see("ST-1", session, 3, later);
    assertThat(tracker.due(later)).singleElement().satisfies(gap -> {
      assertThat(gap.cause()).isEqualTo(SeqGap.FILLED);
      assertThat(gap.fromSeq()).isEqualTo(1);
      assertThat(gap.toSeq()).isEqualTo(3);
    });
    assertThat(tracker.due(later.plusSeconds(1))).isEmpty();
  }

  @Test
  void a_late_resend_of_a_forgotten_complete_session_is_a_duplicate_not_a_new_gap() {
    UUID older = Ids.newId();
    UUID newer = Ids.newId();
    for (long seq = 0; seq < 5; seq++) {
      tracker.see("ST-1", older, seq, t0);
    }
    tracker.see("ST-1", newer, 0, t0.plusSeconds(1));
    Instant settled = t0.plus(GRACE).plusSeconds(5);
    assertThat(tracker.due(settled)).isEmpty();
    assertThat(tracker.sessions()).as("the older session is forgotten").isEqualTo(1);

    assertThat(tracker.see("ST-1", older, 3, settled.plusSeconds(60))).isFalse();
    assertThat(tracker.see("ST-1", older, 4, settled.plusSeconds(60))).isFalse();
    assertThat(tracker.due(settled.plus(GRACE).plusSeconds(100))).isEmpty();
  }

  /** A tracker restarted from what {@code before} handed over, through the JSON the seq-state topic holds. */
  private static GapTracker restarted(List<SessionState> written) throws Exception {
    GapTracker after = new GapTracker(GRACE);
    for (SessionState state : written) {
      byte[] json = io.testline.schemas.EventJson.mapper().writeValueAsBytes(state);
      after.restore(io.testline.schemas.EventJson.mapper().readValue(json, SessionState.class));
    }
    return after;
  }

  @Test
  void a_restarted_tracker_knows_every_seq_seen_before_so_a_redelivered_birth_is_a_duplicate_not_a_gap()
      throws Exception {
    for (long seq = 0; seq <= 5; seq++) {
      tracker.see("ST-1", session, seq, t0);
    }
    GapTracker after = restarted(tracker.changes());
    // the retained birth again on the new subscription, then the session goes on
    assertThat(after.see("ST-1", session, 0, t0.plusSeconds(1))).isFalse();
    assertThat(after.see("ST-1", session, 6, t0.plusSeconds(1))).isTrue();
    assertThat(after.due(t0.plus(GRACE).plusSeconds(10))).isEmpty();
    assertThat(after.duplicates()).isEqualTo(1);
  }

  @Test
  void a_restarted_tracker_keeps_open_holes_declared_gaps_and_forgotten_sessions() throws Exception {
    UUID older = session;
    tracker.see("ST-1", older, 0, t0);
    tracker.see("ST-1", older, 3, t0);
    assertThat(tracker.due(t0.plus(GRACE).plusSeconds(1))).singleElement()
        .satisfies(gap -> assertThat(gap.fromSeq()).isEqualTo(1));
    tracker.see("ST-1", older, 5, t0.plus(GRACE).plusSeconds(2)); // a hole at 4, not yet due
    UUID other = Ids.newId();
    tracker.see("ST-2", other, 0, t0);
    tracker.due(t0.plus(GRACE).plusSeconds(2));
    List<SessionState> first = tracker.changes();
    assertThat(tracker.changes()).isEmpty();

    GapTracker after = restarted(first);
    assertThat(after.sessions()).isEqualTo(2);
    // the declared gap 1-2 is filled by a resend: reported FILLED, not a new gap
    after.see("ST-1", older, 1, t0.plus(GRACE).plusSeconds(3));
    after.see("ST-1", older, 2, t0.plus(GRACE).plusSeconds(3));
    List<SeqGap> due = after.due(t0.plus(GRACE).plus(GRACE).plusSeconds(5));
    assertThat(due).extracting(SeqGap::fromSeq, SeqGap::toSeq, SeqGap::cause)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(1L, 2L, SeqGap.FILLED),
            org.assertj.core.groups.Tuple.tuple(4L, 4L, SeqGap.TIMEOUT));
  }

  @Test
  void a_restarted_tracker_remembers_a_forgotten_session_so_a_late_resend_is_a_duplicate() throws Exception {
    UUID older = session;
    tracker.see("ST-1", older, 0, t0);
    tracker.see("ST-1", older, 1, t0);
    UUID newer = Ids.newId();
    tracker.see("ST-1", newer, 0, t0.plusSeconds(1));
    tracker.due(t0.plus(GRACE).plusSeconds(5)); // older is superseded, complete and quiet: forgotten
    assertThat(tracker.sessions()).isEqualTo(1);
    List<SessionState> written = new java.util.ArrayList<>(tracker.changes());
    GapTracker after = restarted(written);
    assertThat(after.sessions()).isEqualTo(1);
    assertThat(after.see("ST-1", older, 1, t0.plus(GRACE).plusSeconds(6))).isFalse();
    assertThat(after.see("ST-1", newer, 0, t0.plus(GRACE).plusSeconds(6))).isFalse();
    assertThat(after.due(t0.plus(GRACE).plus(GRACE).plusSeconds(10))).isEmpty();
  }

  @Test
  void states_that_could_not_be_written_are_handed_over_again_with_the_newest_knowledge() {
    tracker.see("ST-1", session, 0, t0);
    List<SessionState> failed = tracker.changes();
    tracker.see("ST-1", session, 1, t0);
    assertThat(tracker.changes()).singleElement().satisfies(s -> assertThat(s.next()).isEqualTo(2));
    tracker.unwritten(failed);
    assertThat(tracker.changes()).singleElement().satisfies(s -> assertThat(s.next()).isEqualTo(2));
  }

  @Test
  void a_forgotten_session_that_sends_again_goes_on_from_where_it_was_also_after_a_restart() throws Exception {
    UUID serve = session; // an agent that keeps running beside a newer session of its station
    for (long seq = 0; seq <= 7; seq++) {
      tracker.see("ST-1", serve, seq, t0);
    }
    tracker.see("ST-1", Ids.newId(), 0, t0.plusSeconds(1));
    tracker.due(t0.plus(GRACE).plusSeconds(5)); // serve is superseded and quiet: forgotten
    GapTracker after = restarted(tracker.changes());
    Instant later = t0.plus(GRACE).plusSeconds(10);
    assertThat(after.see("ST-1", serve, 8, later)).isTrue();
    assertThat(after.see("ST-1", serve, 9, later)).isTrue();
    assertThat(after.due(later.plus(GRACE).plusSeconds(1))).isEmpty();
    assertThat(tracker.see("ST-1", serve, 8, later)).isTrue();
    assertThat(tracker.due(later.plus(GRACE).plusSeconds(1))).isEmpty();
  }
}
