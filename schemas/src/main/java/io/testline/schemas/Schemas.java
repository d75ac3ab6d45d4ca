package io.testline.schemas;

import java.util.regex.Pattern;

/** Limits and names of the contract that code outside the JSON Schemas needs too. */
public final class Schemas {
  /** Where the JSON Schema files live on the classpath. */
  public static final String RESOURCE_DIR = "testline/schemas/";
  /** The base of every schema's {@code $id}; {@code $ref}s resolve against it. */
  public static final String ID_BASE = "https://testline.example/schemas/";
  /** The largest message accepted anywhere in the pipeline, in bytes of UTF-8 JSON. */
  public static final int MAX_MESSAGE_BYTES = 1_000_000;
  /** The largest run.log chunk a writer should produce; keeps log traffic in small records. */
  public static final int MAX_LOG_CHUNK_BYTES = 64 * 1024;
  /** The largest text of one log line entry; longer lines are split into partial entries. */
  public static final int MAX_LOG_LINE_CHARS = 16_384;

  static final Pattern STATION_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");

  private Schemas() {}

  /**
   * True when {@code stationId} is valid and so also safe as one MQTT topic level. The same rule as
   * {@link #STATION_ID}, spelled out: the bridge asks it for every message, and a regex matcher costs an allocation.
   */
  public static boolean isValidStationId(String stationId) {
    if (stationId == null || stationId.isEmpty() || stationId.length() > 64 || !isAsciiAlnum(stationId.charAt(0))) {
      return false;
    }
    for (int i = 1; i < stationId.length(); i++) {
      char c = stationId.charAt(i);
      if (!isAsciiAlnum(c) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiAlnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }
}
