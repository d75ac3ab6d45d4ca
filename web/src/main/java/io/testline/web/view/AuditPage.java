package io.testline.web.view;

import io.testline.audit.AuditReport;
import io.testline.audit.AuditReport.Run;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The audit page: the window asked for and what {@code testline audit} finds in it.
 *
 * @param fromText {@code from} as the form's local date-time input shows it
 * @param report null when there is nothing to show (no Kafka configured, or a bad request: {@code error})
 * @param kafka false when the web has no Kafka to read
 * @param elapsedMs how long the audit took
 */
public record AuditPage(Instant from, Instant to, String fromText, String toText, String station, String serial,
    AuditReport report, String error, boolean kafka, long elapsedMs) {

  public long count(Predicate<Run> which) {
    return report.count(which);
  }

  /** The window and scope as a query string (RFC 3339 times), starting with {@code ?}. */
  public String query() {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("from", from.toString());
    q.put("to", to.toString());
    if (station != null) {
      q.put("station", station);
    }
    if (serial != null) {
      q.put("serial", serial);
    }
    StringBuilder sb = new StringBuilder();
    q.forEach((k, v) -> sb.append(sb.length() == 0 ? '?' : '&').append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return sb.toString();
  }

  /** The runs page over the window (runs that started in it), narrowed by {@code extra} ({@code &verdict=...}). */
  public String runsUrl(String extra) {
    return "/runs" + query() + (extra == null ? "" : extra);
  }

  /** The window's events as a JSON Lines download. */
  public String exportUrl() {
    return "/audit/events.jsonl" + query();
  }

  /** The same audit on the command line. */
  public String auditCommand() {
    return "testline audit --from " + from + " --to " + to;
  }

  /** The same window's export on the command line, every topic and format to choose from. */
  public String replayCommand() {
    return "testline replay --from " + from + " --to " + to + (station == null ? "" : " --station " + shell(station))
        + (serial == null ? "" : " --serial " + shell(serial)) + " --output window.jsonl";
  }

  public boolean scoped() {
    return station != null || serial != null;
  }

  private static String shell(String s) {
    return s.matches("[A-Za-z0-9._:/-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
