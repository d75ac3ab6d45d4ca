package io.testline.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Writes one Kafka record as one line of an export. Not thread-safe: one per replay. */
interface RowWriter {
  /** The file's first bytes (a CSV header), or none. */
  byte[] header();

  /** Whether {@link #write} needs the value parsed even when no filter asks for it. */
  boolean needsTree();

  /** Writes {@code record}'s line; {@code event} is its parsed value, or null when unparsed or not JSON. */
  void write(ConsumerRecord<byte[], byte[]> record, JsonNode event, OutputStream out) throws IOException;

  /** A header's value as text, or null. */
  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static String key(ConsumerRecord<byte[], byte[]> record) {
    return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
  }
}
