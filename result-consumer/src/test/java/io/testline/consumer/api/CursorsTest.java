package io.testline.consumer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Signed paging cursors: only what a key-holder issued is taken back. */
class CursorsTest {
  private static final Instant AT = Instant.parse("2026-11-22T06:04:10.123456Z");
  private static final UUID RUN = UUID.fromString("019aaa11-0000-7000-8000-000000000b01");

  @Test
  void a_cursor_round_trips_under_the_same_key_on_any_instance() {
    Cursors a = Cursors.withSecret("a-shared-secret-of-at-least-32-chars");
    Cursors b = Cursors.withSecret("a-shared-secret-of-at-least-32-chars");
    String c = a.encode(AT, RUN);
    assertThat(c).matches("[A-Za-z0-9_-]+");
    assertThat(b.decode(c)).isEqualTo(new Cursors.Position(AT, RUN));
  }

  @Test
  void a_cursor_of_another_key_or_altered_in_any_bit_is_refused() {
    Cursors a = Cursors.withRandomKey();
    String c = a.encode(AT, RUN);
    assertRefused(Cursors.withRandomKey(), c);
    byte[] raw = Base64.getUrlDecoder().decode(c);
    for (int i = 0; i < raw.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] flipped = raw.clone();
        flipped[i] ^= (byte) (1 << bit);
        assertRefused(a, Base64.getUrlEncoder().withoutPadding().encodeToString(flipped));
      }
    }
    assertRefused(a, c.substring(0, c.length() - 1));
    assertRefused(a, c + "A");
    assertRefused(a, c + "=");
    assertRefused(a, "");
    assertRefused(a, "not base64!");
    assertRefused(a, Base64.getUrlEncoder().withoutPadding()
        .encodeToString(("+294277-01-01T00:00:00Z|" + RUN).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void a_short_key_is_refused() {
    assertThatThrownBy(() -> new Cursors(new byte[8])).isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertRefused(Cursors cursors, String cursor) {
    assertThatThrownBy(() -> cursors.decode(cursor)).as(cursor)
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.field()).isEqualTo("cursor"));
  }
}
