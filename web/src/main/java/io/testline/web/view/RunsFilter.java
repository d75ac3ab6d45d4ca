package io.testline.web.view;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The runs page's filter as given in the URL; every field optional. {@code from} inclusive, {@code to} exclusive, on
 * the run's start. {@code fromText}/{@code toText} are the same times as local date-times in the line's zone, as the
 * form's inputs show them; {@code pageSize} null for the default. {@code crashSite} is a crash site's key
 * ({@code file:line in function}) as the crashes page lists it.
 */
public record RunsFilter(String station, String serial, String operation, String program, String outcome,
    String verdict, Instant from, Instant to, String fromText, String toText, Integer pageSize, String crashSite) {

  public static final RunsFilter NONE =
      new RunsFilter(null, null, null, null, null, null, null, null, null, null, null);

  /** A filter on no crash site. */
  public RunsFilter(String station, String serial, String operation, String program, String outcome,
      String verdict, Instant from, Instant to, String fromText, String toText, Integer pageSize) {
    this(station, serial, operation, program, outcome, verdict, from, to, fromText, toText, pageSize, null);
  }

  /** This filter narrowed to the runs that crashed or hung at {@code site} (null: any). */
  public RunsFilter withCrashSite(String site) {
    return new RunsFilter(station, serial, operation, program, outcome, verdict, from, to, fromText, toText,
        pageSize, site);
  }

  /** Runs per page: as asked, else {@link #DEFAULT_LIMIT}. */
  public int limit() {
    return pageSize == null ? DEFAULT_LIMIT : pageSize;
  }

  public static final int DEFAULT_LIMIT = 50;

  /** The query string of this filter (without a cursor), starting with {@code ?}, or empty. */
  public String query() {
    Map<String, String> q = new LinkedHashMap<>();
    put(q, "station", station);
    put(q, "serial", serial);
    put(q, "operation", operation);
    put(q, "program", program);
    put(q, "outcome", outcome);
    put(q, "verdict", verdict);
    put(q, "crashSite", crashSite);
    put(q, "from", fromText);
    put(q, "to", toText);
    put(q, "limit", pageSize == null ? null : pageSize.toString());
    StringBuilder sb = new StringBuilder();
    q.forEach((k, v) -> sb.append(sb.length() == 0 ? '?' : '&').append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return sb.toString();
  }

  private static void put(Map<String, String> q, String key, String value) {
    if (value != null && !value.isEmpty()) {
      q.put(key, value);
    }
  }
}
