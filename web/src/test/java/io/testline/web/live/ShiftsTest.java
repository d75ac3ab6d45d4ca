package io.testline.web.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.web.WebConfig;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ShiftsTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void the_current_shift_started_at_the_latest_start_time_not_after_now() {
    // 13:59 local (12:59Z in winter): the early shift, since 06:00 local
    assertThat(Shifts.currentStart(Instant.parse("2026-12-07T12:59:00Z"), BERLIN, WebConfig.DEFAULT_SHIFTS))
        .isEqualTo(Instant.parse("2026-12-07T05:00:00Z"));
    // exactly 14:00 local: the late shift has begun
    assertThat(Shifts.currentStart(Instant.parse("2026-12-07T13:00:00Z"), BERLIN, WebConfig.DEFAULT_SHIFTS))
        .isEqualTo(Instant.parse("2026-12-07T13:00:00Z"));
  }

  @Test
  void the_night_shift_after_midnight_began_the_day_before() {
    assertThat(Shifts.currentStart(Instant.parse("2026-12-08T02:30:00Z"), BERLIN, WebConfig.DEFAULT_SHIFTS))
        .isEqualTo(Instant.parse("2026-12-07T21:00:00Z"));
  }
}
