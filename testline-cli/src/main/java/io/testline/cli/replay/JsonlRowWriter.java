package io.testline.cli.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import io.testline.schemas.EventJson;
import io.testline.schemas.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * {@code {"topic","partition","offset","timestamp","receivedAt","key","value"}} a line. A value that is one JSON
 * object is written as it is when it is already on one line (checked by a streaming parser that builds nothing), or
 * re-serialized compactly when it spans lines; any other value is written as a base64 string.
 */
final class JsonlRowWriter implements RowWriter {
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  private final JsonFactory factory = EventJson.mapper().getFactory();
  private final JsonStringEncoder encoder = JsonStringEncoder.getInstance();
  private String lastTopic;
  private byte[] topicPrefix;

  @Override
  public byte[] header() {
    return new byte[0];
  }

  @Override
  public boolean needsTree() {
    return false;
  }

  @Override
  public void write(ConsumerRecord<byte[], byte[]> record, JsonNode event, OutputStream out) throws IOException {
    if (!record.topic().equals(lastTopic)) {
      lastTopic = record.topic();
      topicPrefix = ("{\"topic\":\"" + new String(encoder.quoteAsString(lastTopic)) + "\",\"partition\":")
          .getBytes(StandardCharsets.UTF_8);
    }
    out.write(topicPrefix);
    ascii(out, Integer.toString(record.partition()));
    ascii(out, ",\"offset\":");
    ascii(out, Long.toString(record.offset()));
    ascii(out, ",\"timestamp\":");
    ascii(out, Long.toString(record.timestamp()));
    ascii(out, ",\"receivedAt\":");
    string(out, RowWriter.header(record, Topics.HEADER_RECEIVED_AT));
    ascii(out, ",\"key\":");
    string(out, RowWriter.key(record));
    ascii(out, ",\"value\":");
    value(record.value(), event, out);
    ascii(out, "}\n");
  }

  private void value(byte[] value, JsonNode event, OutputStream out) throws IOException {
    if (value == null) {
      out.write(NULL);
    } else if (event != null && event.isObject()) {
      out.write(EventJson.mapper().writeValueAsBytes(event));
    } else if (!isObject(value)) {
      string(out, Base64.getEncoder().encodeToString(value));
    } else if (oneLine(value)) {
      out.write(value);
    } else {
      out.write(EventJson.mapper().writeValueAsBytes(EventJson.mapper().readTree(value)));
    }
  }

  /** Whether the bytes are exactly one JSON object (whitespace around it allowed). */
  private boolean isObject(byte[] value) {
    try (JsonParser p = factory.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException notJson) {
      return false;
    }
  }

  /** Valid JSON holds a line break only as whitespace outside strings, so this tells whether it spans lines. */
  private static boolean oneLine(byte[] value) {
    for (byte b : value) {
      if (b == '\n' || b == '\r') {
        return false;
      }
    }
    return true;
  }

  private void string(OutputStream out, String s) throws IOException {
    if (s == null) {
      out.write(NULL);
    } else {
      out.write('"');
      out.write(encoder.quoteAsUTF8(s));
      out.write('"');
    }
  }

  private static void ascii(OutputStream out, String s) throws IOException {
    for (int i = 0; i < s.length(); i++) {
      out.write(s.charAt(i));
    }
  }
}
