package io.testline.consumer.api;

import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/** Reads and validates request parameters; every failure is a {@link BadRequestException} naming the field. */
final class Params {
  private static final int MAX_TEXT = 256;

  private Params() {}

  static String text(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    if (v.length() > MAX_TEXT) {
      throw new BadRequestException(name, name + " is longer than " + MAX_TEXT + " characters");
    }
    return v;
  }

  static Instant instant(Context ctx, String name, boolean required) {
    String v = text(ctx, name);
    if (v == null) {
      if (required) {
        throw new BadRequestException(name, name + " is required (an RFC 3339 time, e.g. 2026-11-22T06:00:00Z)");
      }
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new BadRequestException(name, name + ": \"" + v + "\" is not an RFC 3339 time, e.g. 2026-11-22T06:00:00Z");
    }
  }

  static int integer(Context ctx, String name, int defaultValue, int min, int max) {
    String v = text(ctx, name);
    if (v == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new BadRequestException(name, name + ": " + n + " is out of range " + min + " to " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadRequestException(name, name + ": \"" + v + "\" is not a whole number");
    }
  }

  static long longValue(Context ctx, String name, long defaultValue, long min, long max) {
    String v = text(ctx, name);
    if (v == null) {
      return defaultValue;
    }
    try {
      long n = Long.parseLong(v);
      if (n < min || n > max) {
        throw new BadRequestException(name, name + ": " + n + " is out of range " + min + " to " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadRequestException(name, name + ": \"" + v + "\" is not a whole number");
    }
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
      throw new BadRequestException(name, name + ": \"" + v + "\" is not a UUID");
    }
  }

  /** One of {@code allowed} (case-insensitive), upper-cased; null when absent. */
  static String oneOf(Context ctx, String name, Set<String> allowed) {
    String v = text(ctx, name);
    if (v == null) {
      return null;
    }
    String upper = v.toUpperCase(Locale.ROOT);
    if (!allowed.contains(upper)) {
      throw new BadRequestException(name, name + ": \"" + v + "\" is not one of " + new java.util.TreeSet<>(allowed));
    }
    return upper;
  }

  static void requireOrdered(Instant from, Instant to) {
    if (from != null && to != null && !from.isBefore(to)) {
      throw new BadRequestException("to", "to must be after from");
    }
  }
}
