package io.testline.schemas;

import java.util.Map;
import java.util.Objects;

/** Published retained when an agent connects: who the station is and what runs on it. */
public record StationBirth(
    String agentVersion,
    String configHash,
    String site,
    String line,
    String hostname,
    String os,
    Long journalCapacityBytes,
    Map<String, String> labels) implements Payload {

  public StationBirth {
    Objects.requireNonNull(agentVersion, "agentVersion");
    Objects.requireNonNull(configHash, "configHash");
    labels = Lists.copyOrNull(labels);
  }
}
