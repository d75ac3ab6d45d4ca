package io.testline.schemas;

/**
 * The agent's MQTT Will ({@code graceful=false}, published by the broker when the agent vanishes) or its
 * goodbye on a clean shutdown ({@code graceful=true}).
 *
 * @param willSeq on a goodbye: the seq reserved for the session's Will, which the broker will not publish after the
 *     clean disconnect; gap detection counts it as seen. Null on a Will and from agents that do not send it.
 */
public record StationDeath(boolean graceful, String reason, Long willSeq) implements Payload {

  public StationDeath {
    if (willSeq != null && willSeq < 0) {
      throw new IllegalArgumentException("willSeq: must be >= 0, was " + willSeq);
    }
  }

  /** A Will, or a goodbye that names no Will seq. */
  public StationDeath(boolean graceful, String reason) {
    this(graceful, reason, null);
  }
}
