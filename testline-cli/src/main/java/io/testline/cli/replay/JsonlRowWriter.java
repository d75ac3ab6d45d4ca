package io.testline.cli.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.testline.schemas.EventJson;
import io.testline.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * {@code {"topic","partition","offset","timestamp","receivedAt","key","value"}} a line. A JSON object value is
 * copied token by token (compact, no tree built unless a filter already parsed it); any other value is written as a
 * base64 string.
 */
final class JsonlRowWriter implements RowWriter {
  private final JsonFactory factory = EventJson.mapper().getFactory();
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);

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
    line.reset();
    try {
      writeLine(record, event, false);
    } catch (IOException notJson) {
      line.reset();
      writeLine(record, event, true);
    }
    line.write('\n');
    line.writeTo(out);
  }

  private void writeLine(ConsumerRecord<byte[], byte[]> record, JsonNode event, boolean base64) throws IOException {
    try (JsonGenerator g = factory.createGenerator(line)) {
      g.writeStartObject();
      g.writeStringField("topic", record.topic());
      g.writeNumberField("partition", record.partition());
      g.writeNumberField("offset", record.offset());
      g.writeNumberField("timestamp", record.timestamp());
      g.writeStringField("receivedAt", RowWriter.header(record, Topics.HEADER_RECEIVED_AT));
      g.writeStringField("key", RowWriter.key(record));
      g.writeFieldName("value");
      if (record.value() == null) {
        g.writeNull();
      } else if (base64) {
        g.writeString(Base64.getEncoder().encodeToString(record.value()));
      } else if (event != null && event.isObject()) {
        g.writeTree(event);
      } else {
        copyObject(record.value(), g);
      }
      g.writeEndObject();
    }
  }

  /** Copies a single JSON object; throws when the bytes are anything else. */
  private void copyObject(byte[] value, JsonGenerator g) throws IOException {
    try (JsonParser p = factory.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      g.copyCurrentStructure(p);
      if (p.nextToken() != null) {
        throw new IOException("trailing data after the JSON object");
      }
    }
  }
}
