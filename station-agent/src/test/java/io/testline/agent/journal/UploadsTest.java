package io.testline.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.schemas.Counts;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import io.testline.schemas.Program;
import io.testline.schemas.RunAttachment;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.UnitUnderTest;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files uploaded with a run: recorded with run.finished, chunked into the journal after it, surviving a restart. */
class UploadsTest {
  @TempDir
  Path tmp;

  @Test
  void a_recorded_upload_left_by_a_kill_is_chunked_after_run_finished_at_the_next_open() throws Exception {
    byte[] bytes = new byte[RunAttachment.MAX_CHUNK_BYTES * 2 + 1000];
    new Random(28).nextBytes(bytes);
    Path core = Files.write(tmp.resolve("core"), bytes);
    UUID runId = Ids.newId();
    try (Journal journal = Journal.builder(tmp.resolve("j.db"), "ST-1", Ids.newId()).open()) {
      journal.appendFinal(runId, finished(runId), Instant.now(),
          List.of(new PendingUpload(runId, "SN-1", "core", core, "application/x-coredump", bytes.length)));
      // the agent dies here, before journalUploads
    }
    try (Journal reopened = Journal.builder(tmp.resolve("j.db"), "ST-1", Ids.newId()).open()) {
      assertThat(reopened.pendingUploads()).extracting(PendingUpload::name).containsExactly("core");

      assertThat(reopened.journalUploads()).isEqualTo(3);

      assertThat(reopened.pendingUploads()).isEmpty();
      assertThat(reopened.journalUploads()).isZero();
      List<Event<?>> events = reopened.readAfter(0, 10).stream().<Event<?>>map(e -> EventJson.parse(e.payload()))
          .toList();
      assertThat(events).hasSize(4);
      assertThat(events.get(0).data()).isInstanceOf(RunFinished.class);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Event<?> e : events.subList(1, 4)) {
        RunAttachment a = (RunAttachment) e.data();
        assertThat(a.chunks()).isEqualTo(3);
        assertThat(a.sha256()).isEqualTo(Uploads.sha256(core));
        out.writeBytes(Base64.getDecoder().decode(a.data()));
      }
      assertThat(out.toByteArray()).isEqualTo(bytes);
    }
  }

  @Test
  void a_file_changed_or_gone_since_it_was_recorded_is_dropped_not_uploaded() throws Exception {
    Path core = Files.writeString(tmp.resolve("core"), "12345");
    UUID runId = Ids.newId();
    try (Journal journal = Journal.builder(tmp.resolve("j.db"), "ST-1", Ids.newId()).open()) {
      journal.appendFinal(runId, finished(runId), Instant.now(),
          List.of(new PendingUpload(runId, "SN-1", "core", core, "application/x-coredump", 4)));

      assertThat(journal.journalUploads()).isZero();

      assertThat(journal.pendingUploads()).isEmpty();
      assertThat(journal.readAfter(0, 10)).hasSize(1);
    }
  }

  @Test
  void chunks_journaled_after_the_runs_verdict_do_not_wait_for_a_confirmation_that_already_came() throws Exception {
    Path core = Files.writeString(tmp.resolve("core"), "core bytes");
    UUID runId = Ids.newId();
    try (Journal journal = Journal.builder(tmp.resolve("j.db"), "ST-1", Ids.newId()).keepRunsUntilConfirmed(true)
        .open()) {
      journal.appendFinal(runId, finished(runId), Instant.now(),
          List.of(new PendingUpload(runId, "SN-1", "core", core, "application/x-coredump", 10)));
      journal.acknowledge(journal.readAfter(0, 10).stream().map(JournalEntry::id).toList());
      journal.confirm(runId);
      journal.journalUploads();

      journal.acknowledge(journal.readAfter(0, 10).stream().map(JournalEntry::id).toList());

      assertThat(journal.stats().depth()).isZero();
      assertThat(journal.stats().awaitingConfirmation()).isZero();
    }
  }

  private static RunFinished finished(UUID runId) {
    Instant t = Instant.parse("2026-12-04T10:00:00Z");
    return new RunFinished(runId, "SN-1", List.of(UnitUnderTest.of("SN-1")), null, null, new Program("p", "1", null),
        null, null, 1, null, null, t, t, 0, RunOutcome.CRASHED, null, "SIGSEGV", true, null, null, null,
        new Counts(0, 0, 0, 0L, 0L, 0L, 0L), null, List.of());
  }
}
