package io.testline.audit;

import io.testline.schemas.Topics;

/**
 * What of a window an audit looks at: every station and serial ({@link #ALL}), one station, one serial number, or
 * both. A sequence gap belongs to a station; a dead letter to the station of its MQTT topic, when it has one. Neither
 * names a serial number, so an audit scoped to a serial counts its runs only.
 *
 * @param stationId null for every station
 * @param serialNumber null for every serial number
 */
public record AuditScope(String stationId, String serialNumber) {
  public static final AuditScope ALL = new AuditScope(null, null);

  public AuditScope {
    stationId = blankToNull(stationId);
    serialNumber = blankToNull(serialNumber);
  }

  public boolean all() {
    return stationId == null && serialNumber == null;
  }

  /** Whether gaps and dead letters, which name no serial number, are part of this scope at all. */
  public boolean coversStationRecords() {
    return serialNumber == null;
  }

  boolean matchesRun(String station, String serial) {
    return (stationId == null || stationId.equals(station)) && (serialNumber == null || serialNumber.equals(serial));
  }

  boolean matchesStation(String station) {
    return coversStationRecords() && (stationId == null || stationId.equals(station));
  }

  /** A dead letter is the station's when its MQTT topic is {@code testline/v1/<station>/...}. */
  boolean matchesMqttTopic(String mqttTopic) {
    if (!coversStationRecords()) {
      return false;
    }
    if (stationId == null) {
      return true;
    }
    String prefix = Topics.MQTT_ROOT + "/" + stationId + "/";
    return mqttTopic != null && mqttTopic.startsWith(prefix);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
