package io.testline.schemas;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A chunk of one stream's captured output.
 *
 * @param chunk     numbers the run's chunks across all streams from 0, so a missing chunk is visible
 * @param firstLine number of the first line within its stream, from 1
 * @param bytes     bytes of output this chunk carries, as the program wrote them
 */
public record RunLog(
    UUID runId, String serialNumber, LogStream stream, long chunk, long firstLine, List<LogLine> lines, long bytes)
    implements Payload {

  public RunLog {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(stream, "stream");
    lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
  }
}
