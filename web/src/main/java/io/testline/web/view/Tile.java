package io.testline.web.view;

import java.time.Instant;
import java.util.UUID;

/**
 * One station on the line wall: its state and since when, the run it is testing now (if any) and the result of the
 * last unit it finished, which stays on the tile until the next unit starts.
 *
 * @param since when the station came online (its agent's start) or went offline
 * @param result the last unit's result: the run's outcome, or REJECTED when the shopfloor rejected a run; null
 *     while testing or before the first run
 */
public record Tile(String stationId, boolean online, Instant since, String hostname, Long journalDepth,
    boolean journalAlarm, UUID runId, String serial, String operation, String program, Instant runStartedAt,
    boolean testing, String currentStep, String result, Instant resultAt, String rejectionCode) {

  /** The element id of the tile's slot (live updates replace its content by this id); only [A-Za-z0-9_-]. */
  public String slotId() {
    return "tile-" + Integer.toHexString(stationId.hashCode()) + "-" + stationId.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  /** The CSS class of the tile's big result: pass, fail, testing, idle. */
  public String tone() {
    if (testing) {
      return "testing";
    }
    if (result == null) {
      return "idle";
    }
    return "PASS".equals(result) ? "pass" : "fail";
  }
}
