package io.testline.schemas;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import java.util.UUID;

/** Ids for events, runs and agent sessions: UUIDv7, so they sort by creation time. */
public final class Ids {
  private static final TimeBasedEpochGenerator UUID_V7 = Generators.timeBasedEpochGenerator();

  private Ids() {}

  public static UUID newId() {
    return UUID_V7.generate();
  }
}
