package io.testline.agent.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTailerTest {
  private static final String STEP = "{\"type\": \"step\", \"name\": \"s\", \"outcome\": \"PASS\"}";

  @TempDir
  Path tmp;

  @Test
  void a_line_over_the_limit_is_reported_oversize_with_its_first_bytes_and_the_lines_around_it_are_read()
      throws Exception {
    long huge = 3L * ResultsTailer.MAX_LINE_BYTES + 7;
    Path file = tmp.resolve("results.jsonl");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write((STEP + "\n").getBytes(StandardCharsets.UTF_8));
      write(out, huge);
      out.write(("\n" + STEP + "\n").getBytes(StandardCharsets.UTF_8));
    }

    List<ResultRecord> records = readAll(file);

    assertThat(records).hasSize(3);
    assertThat(records.get(0)).isInstanceOf(ResultRecord.StepRecord.class);
    assertThat(records.get(1)).isInstanceOfSatisfying(ResultRecord.Invalid.class, invalid -> {
      assertThat(invalid.lineNumber()).isEqualTo(2);
      assertThat(invalid.reason()).isEqualTo("oversize: " + huge + " bytes, over the limit of "
          + ResultsTailer.MAX_LINE_BYTES + " for one line (skipped; results.jsonl keeps it)");
      assertThat(invalid.raw()).isEqualTo("x".repeat(200));
    });
    assertThat(records.get(2)).isInstanceOfSatisfying(ResultRecord.StepRecord.class,
        s -> assertThat(s.lineNumber()).isEqualTo(3));
  }

  @Test
  void a_line_of_exactly_the_limit_is_parsed_and_a_torn_last_line_over_it_is_reported_oversize() throws Exception {
    String padded = STEP.substring(0, STEP.length() - 1) + ", \"pad\": \"";
    String exact = padded + "y".repeat(ResultsTailer.MAX_LINE_BYTES - padded.length() - 2) + "\"}";
    Path file = tmp.resolve("results.jsonl");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write((exact + "\n").getBytes(StandardCharsets.UTF_8));
      write(out, ResultsTailer.MAX_LINE_BYTES + 1L);
    }

    List<ResultRecord> records = readAll(file);

    assertThat(exact).hasSize(ResultsTailer.MAX_LINE_BYTES);
    assertThat(records).hasSize(2);
    assertThat(records.get(0)).isInstanceOf(ResultRecord.StepRecord.class);
    assertThat(records.get(1)).isInstanceOfSatisfying(ResultRecord.Invalid.class,
        invalid -> assertThat(invalid.reason()).startsWith("oversize: " + (ResultsTailer.MAX_LINE_BYTES + 1L)));
  }

  private List<ResultRecord> readAll(Path file) {
    List<ResultRecord> records = new ArrayList<>();
    ResultsTailer.readAll(file, new ResultParser(tmp), records::add, Clock.systemUTC());
    return records;
  }

  /** Streams {@code bytes} of 'x', never holding them at once. */
  private static void write(OutputStream out, long bytes) throws Exception {
    byte[] chunk = new byte[1 << 16];
    Arrays.fill(chunk, (byte) 'x');
    for (long left = bytes; left > 0; left -= chunk.length) {
      out.write(chunk, 0, (int) Math.min(chunk.length, left));
    }
  }
}
