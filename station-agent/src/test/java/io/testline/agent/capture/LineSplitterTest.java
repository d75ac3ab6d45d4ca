package io.testline.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.schemas.LogStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
  private final List<CapturedLine> out = new ArrayList<>();
  private final LineSplitter splitter = new LineSplitter(LogStream.STDOUT, 8, out::add);

  @Test
  void splits_lines_across_reads_and_drops_carriage_returns() {
    feed("ab\r\ncd");
    feed("e\nf");
    splitter.finish(Instant.EPOCH);
    assertThat(out).extracting(l -> new String(l.bytes(), StandardCharsets.UTF_8)).containsExactly("ab", "cde", "f");
    assertThat(out).noneMatch(CapturedLine::partial);
  }

  @Test
  void splits_a_long_line_into_partial_fragments_never_inside_a_utf8_character() {
    feed("1234567\u00e9\u00e9xyz\n");
    assertThat(out).extracting(l -> new String(l.bytes(), StandardCharsets.UTF_8))
        .containsExactly("1234567", "\u00e9\u00e9xyz");
    assertThat(out).extracting(CapturedLine::partial).containsExactly(true, false);
  }

  @Test
  void gives_the_same_fragments_however_the_bytes_arrive() {
    String text = "0123456789abcdefghij\nshort\n";
    feed(text);
    List<CapturedLine> whole = new ArrayList<>(out);
    out.clear();
    for (char c : text.toCharArray()) {
      feed(String.valueOf(c));
    }
    assertThat(out).extracting(l -> new String(l.bytes(), StandardCharsets.UTF_8))
        .containsExactlyElementsOf(whole.stream().map(l -> new String(l.bytes(), StandardCharsets.UTF_8)).toList());
  }

  private void feed(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    splitter.feed(b, 0, b.length, Instant.EPOCH);
  }
}
