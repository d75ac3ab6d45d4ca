package io.testline.web.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditPageTest {
  private static final Instant FROM = Instant.parse("2026-12-07T06:00:00Z");
  private static final Instant TO = Instant.parse("2026-12-07T14:00:00Z");

  @Test
  void links_the_same_window_and_scope_to_the_runs_page_and_the_download() {
    AuditPage page = new AuditPage(FROM, TO, null, null, "FCT 01", "SN&1", null, null, true, 0);
    assertThat(page.runsUrl("&verdict=ACCEPTED")).isEqualTo("/runs?from=2026-12-07T06%3A00%3A00Z"
        + "&to=2026-12-07T14%3A00%3A00Z&station=FCT+01&serial=SN%261&verdict=ACCEPTED");
    assertThat(page.exportUrl()).startsWith("/audit/events.jsonl?from=2026-12-07T06%3A00%3A00Z&to=");
  }

  @Test
  void writes_the_replay_command_with_station_and_serial_quoted_for_a_shell() {
    AuditPage page = new AuditPage(FROM, TO, null, null, "FCT-01", "SN 'x'", null, null, true, 0);
    assertThat(page.replayCommand()).isEqualTo("testline replay --from 2026-12-07T06:00:00Z --to 2026-12-07T14:00:00Z"
        + " --station FCT-01 --serial 'SN '\\''x'\\''' --output window.jsonl");
    assertThat(page.auditCommand()).isEqualTo("testline audit --from 2026-12-07T06:00:00Z --to 2026-12-07T14:00:00Z");
  }
}
