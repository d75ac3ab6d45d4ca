package io.testline.bridge.support;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Valid testline messages as bytes, small and fast to make, for load and fault tests. */
public final class TestEvents {
  private TestEvents() {}

  /** A run.step of about 330 bytes. */
  public static byte[] step(String stationId, UUID session, long seq, UUID eventId, String serial) {
    return ("{\"schema\":\"testline.run.step/1\",\"eventId\":\"" + eventId + "\",\"stationId\":\"" + stationId
        + "\",\"agentSession\":\"" + session + "\",\"seq\":" + seq + ",\"occurredAt\":\"" + Instant.now()
        + "\",\"data\":{\"runId\":\"" + session + "\",\"serialNumber\":\"" + serial
        + "\",\"step\":{\"name\":\"step " + seq + "\",\"outcome\":\"PASS\"}}}").getBytes(StandardCharsets.UTF_8);
  }

  /** A station.heartbeat. */
  public static byte[] heartbeat(String stationId, UUID session, long seq, UUID eventId) {
    return ("{\"schema\":\"testline.station.heartbeat/1\",\"eventId\":\"" + eventId + "\",\"stationId\":\""
        + stationId + "\",\"agentSession\":\"" + session + "\",\"seq\":" + seq + ",\"occurredAt\":\""
        + Instant.now() + "\",\"data\":{\"journalDepth\":0,\"oldestUnsentAgeMs\":0,\"diskFreeBytes\":1000000}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A shopfloor.verdict for a run of {@code stationId}. */
  public static byte[] verdict(String stationId, UUID eventId, String serial) {
    return ("{\"schema\":\"testline.shopfloor.verdict/1\",\"eventId\":\"" + eventId + "\",\"stationId\":\""
        + stationId + "\",\"agentSession\":\"" + UUID.randomUUID() + "\",\"seq\":0,\"occurredAt\":\""
        + Instant.now() + "\",\"data\":{\"runId\":\"" + UUID.randomUUID() + "\",\"serialNumber\":\"" + serial
        + "\",\"verdict\":\"ACCEPTED\",\"attempts\":1}}").getBytes(StandardCharsets.UTF_8);
  }
}
