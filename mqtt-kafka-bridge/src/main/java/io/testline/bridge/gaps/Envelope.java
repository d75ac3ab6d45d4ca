package io.testline.bridge.gaps;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.testline.schemas.EventJson;
import java.io.IOException;

/**
 * The few fields of a forwarded record the gap detector needs, read in one streaming pass: every other value,
 * including the rest of {@code data} (a run's steps, a log chunk's lines), is skipped rather than built into a tree.
 * The record was validated by the bridge before Kafka had it, so this checks no more than it needs. A field that is
 * missing or of another type is null ({@code graceful} is true unless it is {@code false}).
 */
record Envelope(String schema, String stationId, String agentSession, Long seq, boolean graceful, Long willSeq) {

  static Envelope read(byte[] bytes) throws IOException {
    String schema = null;
    String stationId = null;
    String agentSession = null;
    Long seq = null;
    boolean graceful = true;
    Long willSeq = null;
    try (JsonParser parser = EventJson.mapper().createParser(bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(parser, "expected a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "schema" -> schema = text(parser, value);
          case "stationId" -> stationId = text(parser, value);
          case "agentSession" -> agentSession = text(parser, value);
          case "seq" -> seq = number(parser, value);
          case "data" -> {
            if (value != JsonToken.START_OBJECT) {
              parser.skipChildren();
              continue;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
              String field = parser.currentName();
              JsonToken fieldValue = parser.nextToken();
              if (field.equals("graceful")) {
                graceful = fieldValue != JsonToken.VALUE_FALSE;
              } else if (field.equals("willSeq")) {
                willSeq = number(parser, fieldValue);
              } else {
                parser.skipChildren();
              }
            }
          }
          default -> parser.skipChildren();
        }
      }
    }
    return new Envelope(schema, stationId, agentSession, seq, graceful, willSeq);
  }

  private static String text(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return parser.getText();
    }
    parser.skipChildren();
    return null;
  }

  private static Long number(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      return parser.getLongValue();
    }
    parser.skipChildren();
    return null;
  }
}
