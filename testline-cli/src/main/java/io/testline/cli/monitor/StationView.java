package io.testline.cli.monitor;

import java.time.Instant;

/** The mutable state behind one {@link StationStatus}; confined to {@link LineState}'s lock. */
final class StationView {
  final String stationId;
  boolean online;
  Instant offlineSince;
  boolean gracefulOffline;
  String session;
  String serialNumber;
  String step;
  String runId;
  String lastOutcome;
  Long journalDepth;
  long passed;
  long failed;
  long firstAttempts;
  long firstAttemptsPassed;

  StationView(String stationId) {
    this.stationId = stationId;
  }

  StationStatus snapshot() {
    return new StationStatus(stationId, online, offlineSince, gracefulOffline, serialNumber, step, runId,
        lastOutcome, journalDepth, passed, failed, firstAttempts, firstAttemptsPassed);
  }
}
