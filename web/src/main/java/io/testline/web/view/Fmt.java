package io.testline.web.view;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the pages write times, durations and numbers, in the line's time zone. */
public final class Fmt {
  private final ZoneId zone;
  private final DateTimeFormatter dateTime;
  private final DateTimeFormatter time;

  public Fmt(ZoneId zone) {
    this.zone = zone;
    this.dateTime = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(zone);
    this.time = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(zone);
  }

  public ZoneId zone() {
    return zone;
  }

  /** The zone's name for people: UTC rather than Z. */
  public String zoneName() {
    return zone.normalized().equals(java.time.ZoneOffset.UTC) ? "UTC" : zone.getId();
  }

  public String dateTime(Instant t) {
    return t == null ? "" : dateTime.format(t);
  }

  public String time(Instant t) {
    return t == null ? "" : time.format(t);
  }

  /** The instant as RFC 3339, for machines (data attributes, the elapsed-time script). */
  public String iso(Instant t) {
    return t == null ? "" : t.toString();
  }

  public String duration(Long ms) {
    if (ms == null) {
      return "";
    }
    if (ms < 1_000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = ms / 1000;
    return s >= 3600 ? String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60)
        : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
  }

  /** A measured value or limit: up to 6 significant digits, no exponent for everyday magnitudes. */
  public String number(Double v) {
    if (v == null) {
      return "";
    }
    double a = Math.abs(v);
    if (v == 0 || (a >= 1e-4 && a < 1e9)) {
      String s = String.format(Locale.ROOT, "%.6g", v);
      if (s.contains(".") && !s.contains("e")) {
        s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
      }
      return s;
    }
    return String.format(Locale.ROOT, "%.4e", v);
  }

  /** {@code s} encoded for a query parameter's value. */
  public String q(String s) {
    return query(s);
  }

  /** {@code s} encoded for a query parameter's value ("" for null). */
  public static String query(String s) {
    return s == null ? "" : java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * The unit page of {@code serial}: {@code /units/SN123} for a plain serial, else {@code /units?serial=...}, because
   * a serial may hold a {@code /} that a path segment cannot carry through every server and proxy.
   */
  public String unitUrl(String serial) {
    if (serial == null) {
      return "/units";
    }
    return serial.matches("[A-Za-z0-9._~-]+") ? "/units/" + serial : "/units?serial=" + q(serial);
  }

  public String percent(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%.1f %%", v);
  }

  /** A capability index or similar ratio: two decimals, "–" when undefined. */
  public String fixed(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%.2f", v);
  }

  /**
   * The measurement page of one measurement over the 30 days up to the day of {@code at} (a run's start), so a
   * run's value is among those shown.
   */
  public String measurementUrl(String operation, String step, String name, Instant at) {
    java.time.LocalDate day = java.time.LocalDate.ofInstant(at, zone);
    return "/measurements?" + (operation == null ? "" : "operation=" + query(operation) + "&") + "step=" + query(step)
        + "&name=" + query(name) + "&from=" + day.minusDays(29) + "&to=" + day.plusDays(1);
  }
}
