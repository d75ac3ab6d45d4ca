package io.testline.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import io.testline.schemas.StationDeath;
import java.nio.file.Path;
import java.time.Instant;
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
