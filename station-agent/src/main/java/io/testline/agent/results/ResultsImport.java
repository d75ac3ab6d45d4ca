package io.testline.agent.results;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Results a wrapped program leaves in its run directory in a format of its own (an OpenHTF test record), read once the
 * program has ended, beside whatever it wrote to the results channel.
 */
public interface ResultsImport {
  /**
   * What was read: steps and the program's verdict as results-channel records, and notes for the run's agent log
   * (what was found, what could not be read and why).
   */
  record Imported(List<ResultRecord> records, List<String> notes) {
    public Imported {
      records = List.copyOf(records);
      notes = List.copyOf(notes);
    }
  }

  /** Reads the results the program left in {@code runDir}; never throws for a bad file, it reports it instead. */
  Imported afterExit(Path runDir, String serialNumber, Instant readAt);
}
