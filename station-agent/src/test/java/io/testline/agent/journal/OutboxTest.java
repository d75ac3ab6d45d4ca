package io.testline.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testline.schemas.Event;
import io.testline.schemas.Ids;
import io.testline.schemas.StationDeath;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
  @TempDir
  Path tmp;

  @Test
  void a_transaction_that_fails_journals_none_of_its_events_and_gives_their_seqs_back() {
    try (Journal journal = Journal.builder(tmp.resolve("j.db"), "ST-1", Ids.newId()).open()) {
      journal.appendWatched("file-a", List.of(new StationDeath(true, "0"), new StationDeath(true, "1")),
          Instant.now());
      long bytes = journal.stats().bytes();

      assertThatThrownBy(() -> journal.appendWatched("file-a", List.of(new StationDeath(true, "again")),
          Instant.now())).isInstanceOf(JournalException.class);

      assertThat(journal.readAfter(0, 10)).hasSize(2);
      assertThat(journal.stats().bytes()).isEqualTo(bytes);
      assertThat(journal.append(new StationDeath(true, "2"), Instant.now()).seq()).isEqualTo(2);
    }
  }

  @Test
  void a_reserved_seq_is_skipped_by_the_next_event_and_the_next_session_starts_at_zero() {
    Path file = tmp.resolve("j.db");
    try (Journal journal = Journal.builder(file, "ST-1", Ids.newId()).open()) {
      assertThat(journal.append(new StationDeath(true, "0"), Instant.now()).seq()).isZero();
      assertThat(journal.reserveSeq()).isEqualTo(1);
      assertThat(journal.append(new StationDeath(true, "2"), Instant.now()).seq()).isEqualTo(2);
    }
    try (Journal next = Journal.builder(file, "ST-1", Ids.newId()).open()) {
      Event<?> first = next.append(new StationDeath(true, "new session"), Instant.now());
      assertThat(first.seq()).isZero();
      assertThat(next.readAfter(0, 10)).extracting(JournalEntry::topic).containsOnly("testline/v1/ST-1/death");
    }
  }
}
