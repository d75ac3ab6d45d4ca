package io.testline.web.view;

import java.time.Instant;

/** One captured line: its stream (STDOUT, STDERR, AGENT), time and text. */
public record LogLineView(String stream, Instant at, String text) {
  public String streamClass() {
    return stream == null ? "" : stream.toLowerCase(java.util.Locale.ROOT);
  }
}
