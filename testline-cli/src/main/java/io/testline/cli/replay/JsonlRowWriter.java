package io.testline.cli.replay;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import io.testline.schemas.EventJson;
import io.testline.schemas.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * {@code {"topic","partition","offset","timestamp","receivedAt","key","value"}} a line. A value that is one JSON
 * object is written as it is when it is already on one line (checked by a streaming parser that builds nothing), or
 * re-serialized compactly when it spans lines; any other value is written as a base64 string.
 *
 * <p>Each line is put together in one reused byte buffer and handed to the stream in one write. The common case
 * costs no parser and no strings: a value that {@link CompactObjectCheck} vouches for is copied as it is, and a key
 * or header of printable ASCII without quote or backslash (which JSON quoting leaves as it is) is copied between
 * quotes; anything else takes the general path, so the output does not depend on the shortcuts.
 */
final class JsonlRowWriter implements RowWriter {
  private static final byte[] NULL = ascii("null");
  private static final byte[] OFFSET = ascii(",\"offset\":");
  private static final byte[] TIMESTAMP = ascii(",\"timestamp\":");
  private static final byte[] RECEIVED_AT = ascii(",\"receivedAt\":");
  private static final byte[] KEY = ascii(",\"key\":");
  private static final byte[] VALUE = ascii(",\"value\":");
  private static final byte[] END = ascii("}\n");

  private final JsonStringEncoder encoder = JsonStringEncoder.getInstance();
  private final CompactObjectCheck compact = new CompactObjectCheck();
  private String lastTopic;
  private byte[] topicPrefix;
  private byte[] line = new byte[4096];
  private int length;

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
    length = 0;
    put(topicPrefix);
    number(record.partition());
    put(OFFSET);
    number(record.offset());
    put(TIMESTAMP);
    number(record.timestamp());
    put(RECEIVED_AT);
    Header receivedAt = record.headers().lastHeader(Topics.HEADER_RECEIVED_AT);
    string(receivedAt == null ? null : receivedAt.value());
    put(KEY);
    string(record.key());
    put(VALUE);
    value(record.value(), event);
    put(END);
    out.write(line, 0, length);
  }

  private void value(byte[] value, JsonNode event) throws IOException {
    if (value == null) {
      put(NULL);
    } else if (event != null && event.isObject()) {
      put(EventJson.mapper().writeValueAsBytes(event));
    } else if (compact.certainly(value)) {
      put(value);
    } else if (!isObject(value)) {
      string(Base64.getEncoder().encodeToString(value));
    } else if (oneLine(value)) {
      put(value);
    } else {
      put(EventJson.mapper().writeValueAsBytes(EventJson.mapper().readTree(value)));
    }
  }

  /**
   * Whether the general path writes {@code value} as it is: exactly one JSON object, read by the event mapper's own
   * parser, on one line. What {@link CompactObjectCheck} vouches for must pass this too.
   */
  static boolean isOneLineObject(byte[] value) {
    return isObject(value) && oneLine(value);
  }

  /** Whether the bytes are exactly one JSON object (whitespace around it allowed). */
  private static boolean isObject(byte[] value) {
    try (JsonParser p = EventJson.mapper().getFactory().createParser(value)) {
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

  /** UTF-8 text as a JSON string, or null. */
  private void string(byte[] utf8) {
    if (utf8 == null) {
      put(NULL);
    } else if (quotesAsItIs(utf8)) {
      ensure(utf8.length + 2);
      line[length++] = '"';
      System.arraycopy(utf8, 0, line, length, utf8.length);
      length += utf8.length;
      line[length++] = '"';
    } else {
      string(new String(utf8, StandardCharsets.UTF_8));
    }
  }

  private void string(String s) {
    byte[] quoted = encoder.quoteAsUTF8(s);
    ensure(quoted.length + 2);
    line[length++] = '"';
    System.arraycopy(quoted, 0, line, length, quoted.length);
    length += quoted.length;
    line[length++] = '"';
  }

  /** Printable ASCII without quote or backslash: what JSON quoting leaves unchanged. */
  private static boolean quotesAsItIs(byte[] utf8) {
    for (byte b : utf8) {
      if (b < 0x20 || b > 0x7e || b == '"' || b == '\\') {
        return false;
      }
    }
    return true;
  }

  private void number(long value) {
    ensure(20);
    if (value < 0) {
      if (value == Long.MIN_VALUE) {
        put(ascii(Long.toString(value)));
        return;
      }
      line[length++] = '-';
      value = -value;
    }
    int digits = 1;
    for (long v = value; v >= 10; v /= 10) {
      digits++;
    }
    for (int i = length + digits - 1; i >= length; i--) {
      line[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    length += digits;
  }

  private void put(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, line, length, bytes.length);
    length += bytes.length;
  }

  private void ensure(int more) {
    if (length + more > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, length + more));
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
