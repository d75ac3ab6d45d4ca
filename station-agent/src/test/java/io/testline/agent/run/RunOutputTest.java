package io.testline.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.agent.capture.CapturedLine;
import io.testline.agent.journal.Journal;
import io.testline.agent.journal.JournalEntry;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import io.testline.schemas.LogStream;
import io.testline.schemas.RunLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunOutputTest {
  @TempDir
  Path dir;

  @Test
  void a_producer_faster_than_the_journal_waits_for_it_and_every_line_is_journaled() throws Exception {
    int lines = 3_000;
    int maxReadySeen = 0;
    try (Journal journal = Journal.builder(dir.resolve("journal.db"), "ST-1", Ids.newId()).open()) {
      UUID runId = Ids.newId();
      // small chunks (about 30 lines each): many chunks from few lines, each one fsync'ed commit of the journal
      LogChunker chunker = new LogChunker(runId, "SN-1", 0, 0, 0, LogChunker.ENVELOPE_RESERVE + 4096);
      Path merged = dir.resolve("merged.log");
      try (RunOutput output = new RunOutput(journal, chunker, merged, Duration.ofMillis(200), Clock.systemUTC())) {
        Instant at = Instant.now();
        for (int i = 1; i <= lines; i++) {
          // a commit per chunk cannot keep up with a loop: without the bound the backlog would grow to ~100 chunks
          output.accept(new CapturedLine(LogStream.STDOUT, at,
              ("line " + i + " of a program that prints as fast as it can").getBytes(StandardCharsets.UTF_8), false));
          maxReadySeen = Math.max(maxReadySeen, chunker.readyChunks());
        }
        output.endOfRead();
      }
      assertThat(maxReadySeen).isLessThanOrEqualTo(RunOutput.MAX_READY_CHUNKS);
      long journaled = 0;
      List<JournalEntry> entries = journal.readAfter(0, 10_000);
      for (JournalEntry e : entries) {
        journaled += ((RunLog) EventJson.parse(e.payload()).data()).lines().size();
      }
      assertThat(journaled).isEqualTo(lines);
      try (var mergedLines = Files.lines(merged)) {
        assertThat(mergedLines.count()).isEqualTo(lines);
      }
    }
  }
}
