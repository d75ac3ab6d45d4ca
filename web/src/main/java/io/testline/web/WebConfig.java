package io.testline.web;

import java.net.URI;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * Where the web interface listens and how it shows time.
 *
 * @param host the address to bind; {@link #DEFAULT_HOST} (loopback) unless the pages are to be reached from elsewhere
 * @param port the TCP port; 0 picks a free one
 * @param zone the time zone of the times shown and of the shift boundaries
 * @param shiftStarts the local times at which shifts start, each day; the header counts the current shift
 * @param apiBase the query API's base URI (ending in {@code /}) for the JSON downloads; null when there is none
 */
public record WebConfig(String host, int port, ZoneId zone, List<LocalTime> shiftStarts, URI apiBase) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8084;
  public static final List<LocalTime> DEFAULT_SHIFTS =
      List.of(LocalTime.of(6, 0), LocalTime.of(14, 0), LocalTime.of(22, 0));

  public WebConfig {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("web.host: \"" + host + "\" is empty");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("web.port: " + port + " is not a TCP port (0..65535)");
    }
    Objects.requireNonNull(zone, "zone");
    shiftStarts = List.copyOf(Objects.requireNonNull(shiftStarts, "shiftStarts"));
    if (shiftStarts.isEmpty()) {
      throw new IllegalArgumentException("web.shiftStarts: at least one shift start is needed");
    }
    if (apiBase != null && !apiBase.toString().endsWith("/")) {
      throw new IllegalArgumentException("web.apiBase: \"" + apiBase + "\" must end with /");
    }
  }

  /** Loopback on {@link #DEFAULT_PORT}, the system's time zone, shifts at 06:00, 14:00 and 22:00, no API link. */
  public static WebConfig defaults() {
    return new WebConfig(DEFAULT_HOST, DEFAULT_PORT, ZoneId.systemDefault(), DEFAULT_SHIFTS, null);
  }
}
