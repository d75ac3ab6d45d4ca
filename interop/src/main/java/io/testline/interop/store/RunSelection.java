package io.testline.interop.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Which stored runs to export: every run of one serial number (any time), or every run started in
 * {@code [from, to)}, optionally of one station.
 */
public record RunSelection(String serial, Instant from, Instant to, String station) {
  public RunSelection {
    if (serial == null) {
      Objects.requireNonNull(from, "from: a window needs both from and to (or give a serial)");
      Objects.requireNonNull(to, "to: a window needs both from and to (or give a serial)");
      if (!to.isAfter(from)) {
        throw new IllegalArgumentException("to: " + to + " is not after from " + from);
      }
    }
  }

  public static RunSelection serial(String serial) {
    return new RunSelection(Objects.requireNonNull(serial, "serial"), null, null, null);
  }

  public static RunSelection window(Instant from, Instant to, String station) {
    return new RunSelection(null, from, to, station);
  }
}
