package io.testline.web.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.interop.store.CrashSiteCount;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CrashesPageTest {
  private static final Instant FROM = Instant.parse("2026-02-03T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-02-04T00:00:00Z");

  @Test
  void each_bar_has_its_share_and_the_cumulative_share_and_links_its_runs_over_the_same_window() {
    CrashesPage page = CrashesPage.of("ST 1", null, FROM, TO, "2026-02-03T00:00", "2026-02-04T00:00", List.of(
        site("a.py:1 in f", 5), site("<b>.c:2 in g&h</b>", 3), site("c.py:3 in k", 2)), 100);

    assertThat(page.runs()).isEqualTo(10);
    assertThat(page.bars()).extracting(CrashBar::percent).containsExactly(50.0, 30.0, 20.0);
    assertThat(page.bars()).extracting(CrashBar::cumulative).containsExactly(50.0, 80.0, 100.0);
    assertThat(page.bars().get(1).barWidth()).isEqualTo("30.00");
    assertThat(page.bars().get(2).markerX()).as("the 100 % marker stays inside the bar").isEqualTo("99.20");
    assertThat(page.bars().get(1).runsUrl()).isEqualTo("/runs?station=ST+1&crashSite=%3Cb%3E.c%3A2+in+g%26h%3C%2Fb%3E"
        + "&from=2026-02-03T00%3A00&to=2026-02-04T00%3A00");
    assertThat(page.truncated()).isFalse();
    assertThat(CrashesPage.of(null, null, FROM, TO, null, null, List.of(site("a", 1)), 1).truncated()).isTrue();
  }

  private static CrashSiteCount site(String key, long runs) {
    return new CrashSiteCount(key, null, null, null, runs, runs, 0, runs, FROM);
  }
}
