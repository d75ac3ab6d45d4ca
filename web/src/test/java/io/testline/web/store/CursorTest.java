package io.testline.web.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CursorTest {
  @Test
  void a_cursor_is_the_query_apis_base64url_of_started_at_bar_run_id_both_ways() {
    Instant at = Instant.parse("2026-11-22T06:04:10.003Z");
    UUID id = UUID.fromString("019aaa11-0000-7000-8000-000000000b01");
    String api = Base64.getUrlEncoder().withoutPadding()
        .encodeToString((at + "|" + id).getBytes(StandardCharsets.UTF_8));

    assertThat(new RunPageQueries.Cursor(at, id).encode()).isEqualTo(api);
    assertThat(RunPageQueries.Cursor.parse(api)).isEqualTo(new RunPageQueries.Cursor(at, id));
  }

  @Test
  void a_cursor_the_pages_never_gave_is_refused_with_its_name() {
    assertThatThrownBy(() -> RunPageQueries.Cursor.parse("not-a-cursor"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cursor: \"not-a-cursor\" is not a cursor this page gave");
  }
}
