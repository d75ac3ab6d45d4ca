package io.testline.web.view;

import java.util.List;

/** One page of the runs list, newest first, and the cursor of the next (null on the last page). */
public record RunsPage(RunsFilter filter, List<RunRow> rows, String nextCursor, boolean firstPage, String error) {
  public String nextUrl() {
    String q = filter.query();
    return "/runs" + q + (q.isEmpty() ? "?" : "&") + "cursor=" + nextCursor;
  }

  public String firstUrl() {
    return "/runs" + filter.query();
  }
}
