package io.testline.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * One captured line, or one fragment of a very long line.
 *
 * @param text    readable UTF-8; invalid bytes of the original appear as U+FFFD
 * @param base64  the exact original bytes, present only when they were not valid UTF-8
 * @param partial true when the line was split and the next entry continues it
 */
public record LogLine(Instant at, String text, String base64, Boolean partial) {
  public LogLine {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(text, "text");
  }

  public static LogLine of(Instant at, String text) {
    return new LogLine(at, text, null, null);
  }
}
