package io.testline.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import io.testline.schemas.Counts;
import io.testline.schemas.Program;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.StationDeath;
import io.testline.schemas.UnitUnderTest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir
  Path tmp;

  @Test
  void concurrent_appends_get_seq_in_journal_order_and_survive_reopening() throws Exception {
    UUID session = Ids.newId();
    try (Journal journal = Journal.builder(tmp.resolve("j.db"), "ST-1", session).open()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < 200; i++) {
        futures.add(pool.submit(() -> journal.append(new StationDeath(true, "x"), Instant.now())));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
    }
    try (Journal reopened = Journal.builder(tmp.resolve("j.db"), "ST-1", Ids.newId()).open()) {
      List<JournalEntry> entries = reopened.readAfter(0, 1000);
      assertThat(entries).hasSize(200);
      List<Long> seqs = entries.stream().map(e -> EventJson.parse(e.payload()).seq()).toList();
      assertThat(seqs).isSorted().doesNotHaveDuplicates().startsWith(0L).endsWith(199L);
      assertThat(entries.get(0).topic()).isEqualTo("testline/v1/ST-1/death");
    }
  }

  @Test
  void deleting_acknowledged_events_empties_the_journal() {
    try (Journal journal = Journal.builder(tmp.resolve("j.db"), "ST-1", Ids.newId()).open()) {
      journal.append(new StationDeath(true, "a"), Instant.now());
      journal.append(new StationDeath(true, "b"), Instant.now());
      List<JournalEntry> entries = journal.readAfter(0, 10);
      journal.delete(entries.stream().map(JournalEntry::id).toList());
      assertThat(journal.stats().depth()).isZero();
      assertThat(journal.stats().oldestUnsentAgeMs(System.currentTimeMillis())).isZero();
    }
  }

  @Test
  void a_kept_run_stays_after_the_puback_is_sent_again_when_unconfirmed_and_leaves_at_its_verdict() {
    Instant[] now = {Instant.parse("2026-12-04T10:00:00Z")};
    Clock clock = clockOf(now);
    try (Journal journal = Journal.builder(tmp.resolve("j.db"), "ST-1", Ids.newId()).clock(clock)
        .keepRunsUntilConfirmed(true).open()) {
      RunStarted started = new RunStarted(Ids.newId(), "SN-1", List.of(UnitUnderTest.of("SN-1")), null, null,
          new Program("fct.py", "1", null), null, null, 1, null, "FCT");
      journal.append(new StationDeath(true, "station event"), now[0]);
      journal.append(started, now[0]);
      journal.append(finished(started), now[0]);
      List<Long> ids = journal.readAfter(0, 10).stream().map(JournalEntry::id).toList();
      assertThat(ids).hasSize(3);

      journal.acknowledge(ids);
      assertThat(journal.stats().depth()).as("nothing left to send").isZero();
      assertThat(journal.stats().awaitingConfirmation()).as("the run's two events wait for its verdict").isEqualTo(2);
      assertThat(journal.readAfter(0, 10)).isEmpty();

      now[0] = now[0].plusSeconds(29);
      assertThat(journal.requeueUnconfirmed(Duration.ofSeconds(30))).as("not overdue yet").isEmpty();
      now[0] = now[0].plusSeconds(1);
      assertThat(journal.requeueUnconfirmed(Duration.ofSeconds(30))).hasValue(ids.get(1));
      assertThat(journal.readAfter(0, 10)).extracting(JournalEntry::id).containsExactly(ids.get(1), ids.get(2));

      journal.acknowledge(ids.subList(1, 3));
      now[0] = now[0].plusSeconds(59);
      assertThat(journal.requeueUnconfirmed(Duration.ofSeconds(30))).as("the second wait is twice as long").isEmpty();
      now[0] = now[0].plusSeconds(1);
      assertThat(journal.requeueUnconfirmed(Duration.ofSeconds(30))).isPresent();

      assertThat(journal.confirm(started.runId())).isEqualTo(2);
      assertThat(journal.stats().depth()).isZero();
      assertThat(journal.stats().awaitingConfirmation()).isZero();
      now[0] = now[0].plusSeconds(3600);
      assertThat(journal.requeueUnconfirmed(Duration.ofSeconds(30))).as("a confirmed run is not sent again").isEmpty();
      assertThat(journal.requeueSeqs(journal.agentSession(), 1, 1)).as("unless the bridge asks for one of its seqs")
          .hasValue(ids.get(1));
      journal.acknowledge(List.of(ids.get(1)));
      now[0] = now[0].plusSeconds(1);
      assertThat(journal.pruneSent(Duration.ofSeconds(1)))
          .as("the station event and the confirmed run, kept for a resend request").isEqualTo(3);
      assertThat(journal.stats().bytes()).isZero();
    }
  }

  @Test
  void a_sent_station_event_is_sent_again_on_a_resend_request_until_it_is_pruned() {
    Instant[] now = {Instant.parse("2026-12-04T10:00:00Z")};
    UUID session = Ids.newId();
    try (Journal journal = Journal.builder(tmp.resolve("j.db"), "ST-1", session).clock(clockOf(now))
        .keepRunsUntilConfirmed(true).open()) {
      for (int i = 0; i < 4; i++) {
        journal.append(new StationDeath(true, "station event " + i), now[0]);
      }
      List<JournalEntry> entries = journal.readAfter(0, 10);
      List<Long> ids = entries.stream().map(JournalEntry::id).toList();
      journal.acknowledge(ids);
      assertThat(journal.stats().depth()).isZero();
      assertThat(journal.stats().awaitingConfirmation()).as("station events wait for no verdict").isZero();
      assertThat(journal.stats().bytes()).as("but they stay for a while").isPositive();

      // the bridge misses seq 1..2 of this session: exactly those are sent again, same bytes
      assertThat(journal.requeueSeqs(session, 1, 2)).hasValue(ids.get(1));
      assertThat(journal.readAfter(0, 10)).extracting(JournalEntry::id).containsExactly(ids.get(1), ids.get(2));
      assertThat(journal.readAfter(0, 10).get(0).payload()).isEqualTo(entries.get(1).payload());
      assertThat(journal.requeueSeqs(Ids.newId(), 0, 3)).as("another session's seqs").isEmpty();

      journal.acknowledge(ids.subList(1, 3));
      now[0] = now[0].plusSeconds(59);
      assertThat(journal.pruneSent(Duration.ofMinutes(1))).isZero();
      now[0] = now[0].plusSeconds(1);
      assertThat(journal.pruneSent(Duration.ofMinutes(1))).isEqualTo(4);
      assertThat(journal.stats().bytes()).isZero();
      assertThat(journal.requeueSeqs(session, 0, 3)).as("pruned events cannot be sent again").isEmpty();
    }
  }

  private static Clock clockOf(Instant[] now) {
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now[0];
      }
    };
  }

  @Test
  void without_keeping_runs_the_puback_removes_a_runs_events() {
    try (Journal journal = Journal.builder(tmp.resolve("j.db"), "ST-1", Ids.newId()).open()) {
      RunStarted started = new RunStarted(Ids.newId(), "SN-1", List.of(UnitUnderTest.of("SN-1")), null, null,
          new Program("fct.py", "1", null), null, null, 1, null, "FCT");
      journal.append(started, Instant.now());
      journal.acknowledge(journal.readAfter(0, 10).stream().map(JournalEntry::id).toList());
      assertThat(journal.stats().bytes()).isZero();
      assertThat(journal.requeueUnconfirmed(Duration.ofMillis(1))).isEmpty();
    }
  }

  private static RunFinished finished(RunStarted s) {
    Instant t = Instant.parse("2026-12-04T10:00:00Z");
    return new RunFinished(s.runId(), s.serialNumber(), s.units(), null, null, s.program(), null, null, 1, null,
        s.operation(), t, t, 0, RunOutcome.PASS, 0, null, null, null, null, null,
        new Counts(0, 0, 0, 0L, 0L, 0L, 0L), null, List.of());
  }

  @Test
  void alarm_at_the_threshold_and_refusal_at_the_bound_or_below_the_disk_floor() {
    long[] free = {Long.MAX_VALUE};
    try (Journal journal = Journal.builder(tmp.resolve("j.db"), "ST-1", Ids.newId())
        .maxBytes(2_000).alarmPercent(50).minFreeDisk(1_000).freeSpace(p -> free[0]).open()) {
      assertThat(journal.admission().admitted()).isTrue();
      while (journal.stats().bytes() < 1_000) {
        journal.append(new StationDeath(true, "filling"), Instant.now());
      }
      assertThat(journal.stats().alarm()).isTrue();
      assertThat(journal.admission().admitted()).isTrue();
      while (journal.stats().bytes() < 2_000) {
        journal.append(new StationDeath(true, "filling"), Instant.now());
      }
      assertThat(journal.admission().reason()).startsWith("journal full");
      journal.delete(journal.readAfter(0, 1000).stream().map(JournalEntry::id).toList());
      free[0] = 10;
      assertThat(journal.admission().reason()).startsWith("disk full");
    }
  }

  @Test
  void a_full_disk_is_refused_before_the_journal_is_opened_even_when_its_folder_does_not_exist_yet() {
    List<Path> probed = new java.util.ArrayList<>();
    Path file = tmp.resolve("station/data/journal.db");
    Admission refused = Journal.diskAdmission(file, p -> {
      probed.add(p);
      return 10;
    }, 1_000);
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.reason()).startsWith("disk full: 10 bytes free").contains("journal.minFreeDisk 1000");
    assertThat(probed).containsExactly(tmp);
    assertThat(Journal.diskAdmission(file, p -> 1_000, 1_000).admitted()).isTrue();
  }
}
