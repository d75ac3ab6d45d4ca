package io.testline.agent.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/** Options of a {@link Journal}; {@link #open()} creates the file and its tables when missing. */
public final class JournalBuilder {
  // read by the Journal being opened
  final Path file;
  final String stationId;
  final UUID agentSession;
  long maxBytes = 1L << 30;
  int alarmPercent = 80;
  long minFreeDisk;
  FreeSpaceProbe freeSpace = FreeSpaceProbe.FILE_SYSTEM;
  Clock clock = Clock.systemUTC();
  boolean keepRunsUntilConfirmed;

  JournalBuilder(Path file, String stationId, UUID agentSession) {
    this.file = Objects.requireNonNull(file, "file");
    this.stationId = Objects.requireNonNull(stationId, "stationId");
    this.agentSession = Objects.requireNonNull(agentSession, "agentSession");
  }

  public JournalBuilder maxBytes(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes: must be > 0, was " + maxBytes);
    }
    this.maxBytes = maxBytes;
    return this;
  }

  public JournalBuilder alarmPercent(int alarmPercent) {
    if (alarmPercent < 1 || alarmPercent > 100) {
      throw new IllegalArgumentException("alarmPercent: must be 1..100, was " + alarmPercent);
    }
    this.alarmPercent = alarmPercent;
    return this;
  }

  public JournalBuilder minFreeDisk(long minFreeDisk) {
    if (minFreeDisk < 0) {
      throw new IllegalArgumentException("minFreeDisk: must be >= 0, was " + minFreeDisk);
    }
    this.minFreeDisk = minFreeDisk;
    return this;
  }

  public JournalBuilder freeSpace(FreeSpaceProbe freeSpace) {
    this.freeSpace = Objects.requireNonNull(freeSpace, "freeSpace");
    return this;
  }

  public JournalBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** Keeps a run's events after the PUBACK until {@link Journal#confirm} (journal.keepUntil: verdict). */
  public JournalBuilder keepRunsUntilConfirmed(boolean keep) {
    this.keepRunsUntilConfirmed = keep;
    return this;
  }

  public Journal open() {
    try {
      return new Journal(this);
    } catch (SQLException | IOException e) {
      throw new JournalException("cannot open journal " + file + ": " + e.getMessage(), e);
    }
  }
}
