package io.testline.web.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewTest {
  private final Fmt fmt = new Fmt(ZoneOffset.UTC);

  @Test
  void numbers_keep_six_significant_digits_without_trailing_zeros() {
    assertThat(fmt.number(5.61)).isEqualTo("5.61");
    assertThat(fmt.number(4.75)).isEqualTo("4.75");
    assertThat(fmt.number(0.1 + 0.2)).isEqualTo("0.3");
    assertThat(fmt.number(1200.0)).isEqualTo("1200");
    assertThat(fmt.number(-0.000012)).isEqualTo("-1.2000e-05");
    assertThat(fmt.number(null)).isEmpty();
  }

  @Test
  void durations_read_like_a_person_writes_them() {
    assertThat(fmt.duration(850L)).isEqualTo("850 ms");
    assertThat(fmt.duration(12_340L)).isEqualTo("12.3 s");
    assertThat(fmt.duration(185_000L)).isEqualTo("3 min 05 s");
    assertThat(fmt.duration(3_720_000L)).isEqualTo("1 h 02 min");
  }

  @Test
  void a_filter_becomes_an_encoded_query_string_with_only_the_fields_given() {
    RunsFilter f = new RunsFilter("ST 1", "<SN&1>", null, null, "FAIL", null, null, null, "2026-01-05T08:00",
        null, 5);
    assertThat(f.query()).isEqualTo("?station=ST+1&serial=%3CSN%261%3E&outcome=FAIL&from=2026-01-05T08%3A00&limit=5");
    assertThat(RunsFilter.NONE.query()).isEmpty();
    assertThat(new RunsPage(f, List.of(), "abc", true, null).nextUrl()).endsWith("&limit=5&cursor=abc");
  }

  @Test
  void a_serial_that_is_no_plain_path_segment_goes_in_the_query() {
    assertThat(fmt.unitUrl("SN2612-000417")).isEqualTo("/units/SN2612-000417");
    assertThat(fmt.unitUrl("SN/12 a")).isEqualTo("/units?serial=SN%2F12+a");
    assertThat(fmt.unitUrl("<script>")).isEqualTo("/units?serial=%3Cscript%3E");
  }

  @Test
  void station_text_is_escaped_by_the_templates_wherever_it_stands() {
    Tile t = new Tile("ST-1", true, Instant.EPOCH, "<img src=x onerror=alert(1)>", null, false, null,
        null, null, null, null, false, null, null, null, null);
    String html = new Renderer().render("tags/tile.jte", Map.of("f", fmt, "t", t));
    assertThat(html).contains("&lt;img src=x onerror=alert(1)&gt;").doesNotContain("<img");
    assertThat(t.slotId()).matches("tile-[0-9a-f]+-ST-1");
  }
}
