package io.testline.consumer.api;

import io.javalin.http.Context;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads and validates request parameters (from a strictly parsed {@link Query}); every failure is a
 * {@link BadRequestException} naming the parameter, so no invalid input reaches a query and no malformed filter is
 * ever dropped.
 */
final class Params {
  /**
   * The earliest time a parameter may name: RFC 3339 has four-digit years, and year 0 (1 BC) is left out so that
   * no time needs PostgreSQL's BC notation. PostgreSQL's {@code timestamptz} holds 4713 BC to 294276 AD and Java's
   * {@code Instant} more, so every accepted time fits both.
   */
  static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  /** The latest time a parameter may name, at {@code timestamptz}'s precision (microseconds). */
  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

  private static final Pattern RFC_3339 = Pattern.compile(
      "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})");
  private static final Pattern WHOLE = Pattern.compile("-?[0-9]+");
  private static final Pattern LETTERS = Pattern.compile("[A-Za-z]+");
  private static final String EXAMPLE = "e.g. 2026-11-22T06:00:00Z";

  private Params() {}

  /** Free text (a serial number, station or program name); null when absent. */
  static String text(Query q, String name) {
    return q.get(name);
  }

  /**
   * An RFC 3339 time between {@link #EARLIEST} and {@link #LATEST}, rounded up to the microsecond that PostgreSQL
   * stores (so neither an inclusive {@code from} nor an exclusive {@code to} moves past a stored time); null when
   * absent and not required.
   */
  static Instant instant(Query q, String name, boolean required) {
    String v = q.get(name);
    if (v == null) {
      if (required) {
        throw new BadRequestException(name, name + " is required (an RFC 3339 time, " + EXAMPLE + ")");
      }
      return null;
    }
    if (!RFC_3339.matcher(v).matches()) {
      String hint = v.indexOf(' ') > 0 && RFC_3339.matcher(v.replace(' ', '+')).matches()
          ? " (a '+' in a URL is a space: send the offset's '+' as %2B)" : "";
      throw new BadRequestException(name, name + ": " + Query.quote(v) + " is not an RFC 3339 time, " + EXAMPLE
          + hint);
    }
    Instant t;
    try {
      t = OffsetDateTime.parse(v.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeException e) {
      throw new BadRequestException(name, name + ": " + Query.quote(v) + " is not a valid date and time, " + EXAMPLE);
    }
    if (t.getNano() % 1_000 != 0) {
      t = t.truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
    }
    if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
      throw new BadRequestException(name, name + ": " + Query.quote(v) + " is out of range " + EARLIEST + " to "
          + LATEST);
    }
    return t;
  }

  static int integer(Query q, String name, int defaultValue, int min, int max) {
    return (int) longValue(q, name, defaultValue, min, max);
  }

  /** A whole number in decimal ASCII digits, optionally negative, within {@code min..max}. */
  static long longValue(Query q, String name, long defaultValue, long min, long max) {
    String v = q.get(name);
    if (v == null) {
      return defaultValue;
    }
    if (!WHOLE.matcher(v).matches()) {
      throw new BadRequestException(name, name + ": " + Query.quote(v) + " is not a whole number");
    }
    String range = name + ": " + Query.quote(v) + " is out of range " + min + " to " + max;
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new BadRequestException(name, range); // only too many digits get here
    }
    if (n < min || n > max) {
      throw new BadRequestException(name, range);
    }
    return n;
  }

  static UUID uuidPath(Context ctx, String name) {
    String v = ctx.pathParam(name);
    try {
      UUID id = UUID.fromString(v);
      if (!id.toString().equalsIgnoreCase(v)) {
        throw new IllegalArgumentException("not canonical");
      }
      return id;
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(name, name + ": " + Query.quote(v) + " is not a UUID");
    }
  }

  /** One of {@code allowed} (ASCII, case-insensitive), upper-cased; null when absent. */
  static String oneOf(Query q, String name, Set<String> allowed) {
    String v = q.get(name);
    if (v == null) {
      return null;
    }
    String upper = v.toUpperCase(Locale.ROOT);
    if (!LETTERS.matcher(v).matches() || !allowed.contains(upper)) {
      throw new BadRequestException(name, name + ": " + Query.quote(v) + " is not one of " + new TreeSet<>(allowed));
    }
    return upper;
  }

  static void requireOrdered(Instant from, Instant to) {
    if (from != null && to != null && !from.isBefore(to)) {
      throw new BadRequestException("to", "to must be after from");
    }
  }
}
