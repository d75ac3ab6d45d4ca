package io.testline.web.view;

import io.testline.interop.store.CrashSiteCount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The crashes page: where test programs crashed or hung in a window, as a Pareto of crash sites (most frequent
 * first, each with its share and the cumulative share), each site linking to its runs.
 *
 * @param fromText the window's start as the form's input shows it
 * @param toText the window's end as the form's input shows it
 * @param limit at most this many sites are listed
 * @param error what is wrong with the request, or null
 */
public record CrashesPage(String station, String program, Instant from, Instant to, String fromText, String toText,
    List<CrashBar> bars, long runs, int limit, String error) {

  /** The page over {@code sites} as the query returned them, most frequent first. */
  public static CrashesPage of(String station, String program, Instant from, Instant to, String fromText,
      String toText, List<CrashSiteCount> sites, int limit) {
    long total = sites.stream().mapToLong(CrashSiteCount::runs).sum();
    List<CrashBar> bars = new ArrayList<>(sites.size());
    long sum = 0;
    for (CrashSiteCount s : sites) {
      sum += s.runs();
      String url = "/runs" + new RunsFilter(station, null, null, program, null, null, from, to, fromText, toText,
          null, s.crashSite()).query();
      bars.add(new CrashBar(s, 100.0 * s.runs() / total, 100.0 * sum / total, url));
    }
    return new CrashesPage(station, program, from, to, fromText, toText, List.copyOf(bars), total, limit, null);
  }

  /** A page that shows only what is wrong with the request, the form keeping what was given. */
  public static CrashesPage failed(String station, String program, String fromText, String toText, String error) {
    return new CrashesPage(station, program, null, null, fromText, toText, List.of(), 0, 0, error);
  }

  /** Whether the list may have left sites out (it holds as many as it may). */
  public boolean truncated() {
    return bars.size() >= limit;
  }
}
