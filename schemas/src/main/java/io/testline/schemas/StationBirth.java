package io.testline.schemas;

import java.util.Map;
import java.util.Objects;

/**
 * Published retained when an agent connects: who the station is and what runs on it.
 *
 * @param willSeq the seq reserved for the Will registered at this connection: the broker publishes it only if the
 *     agent vanishes, so gap detection counts it as seen. Null from agents that do not send it.
 */
public record StationBirth(
    String agentVersion,
    String configHash,
    String site,
    String line,
    String hostname,
    String os,
    Long journalCapacityBytes,
    Map<String, String> labels,
    Long willSeq) implements Payload {

  public StationBirth {
    Objects.requireNonNull(agentVersion, "agentVersion");
    Objects.requireNonNull(configHash, "configHash");
    labels = Lists.copyOrNull(labels);
    if (willSeq != null && willSeq < 0) {
      throw new IllegalArgumentException("willSeq: must be >= 0, was " + willSeq);
    }
  }

  /** A birth that names no Will seq. */
  public StationBirth(String agentVersion, String configHash, String site, String line, String hostname, String os,
      Long journalCapacityBytes, Map<String, String> labels) {
    this(agentVersion, configHash, site, line, hostname, os, journalCapacityBytes, labels, null);
  }
}
