package io.testline.web.live;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

/** Shift boundaries: shifts start at the same local times every day. */
public final class Shifts {
  private Shifts() {}

  /** The start of the shift that {@code now} falls in. */
  public static Instant currentStart(Instant now, ZoneId zone, List<LocalTime> starts) {
    LocalDate today = LocalDate.ofInstant(now, zone);
    Instant best = null;
    for (LocalDate day : List.of(today, today.minusDays(1))) {
      for (LocalTime start : starts) {
        Instant candidate = ZonedDateTime.of(day, start, zone).toInstant();
        if (!candidate.isAfter(now) && (best == null || candidate.isAfter(best))) {
          best = candidate;
        }
      }
    }
    return best;
  }
}
