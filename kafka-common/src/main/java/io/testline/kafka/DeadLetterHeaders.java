package io.testline.kafka;

import io.testline.schemas.DeadLetterReason;
import io.testline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The one writer and reader of dead letters' provenance headers ({@code testline.dlq.*}, named in {@link Topics}):
 * why a record was refused, by which component, with which exception, and where it came from. A dead letter keeps
 * the original key and bytes as its record; these headers are what the audit and an operator read beside them.
 */
public final class DeadLetterHeaders {
  /** A detail longer than this is cut (with "...") so that one odd record cannot make its dead letter too large. */
  static final int MAX_DETAIL_CHARS = 2000;

  private DeadLetterHeaders() {}

  /** Adds why and by whom: reason, detail, component and, when there is one, the exception's class. */
  public static Headers addProvenance(Headers headers, DeadLetterReason reason, String detail, String component,
      Throwable cause) {
    put(headers, Topics.HEADER_DLQ_REASON, reason.name());
    put(headers, Topics.HEADER_DLQ_DETAIL, truncate(detail));
    put(headers, Topics.HEADER_DLQ_COMPONENT, component);
    if (cause != null) {
      put(headers, Topics.HEADER_DLQ_EXCEPTION, cause.getClass().getName());
    }
    return headers;
  }

  /** Adds where a refused Kafka record was: its topic, partition and offset. */
  public static Headers addKafkaSource(Headers headers, String topic, int partition, long offset) {
    put(headers, Topics.HEADER_DLQ_SOURCE_TOPIC, topic);
    put(headers, Topics.HEADER_DLQ_SOURCE_PARTITION, Integer.toString(partition));
    put(headers, Topics.HEADER_DLQ_SOURCE_OFFSET, Long.toString(offset));
    return headers;
  }

  /** The reason a dead letter carries, or null when the header is missing. */
  public static String reason(Headers headers) {
    return text(headers, Topics.HEADER_DLQ_REASON);
  }

  /** The detail a dead letter carries, or null. */
  public static String detail(Headers headers) {
    return text(headers, Topics.HEADER_DLQ_DETAIL);
  }

  /** The component that refused it, or null. */
  public static String component(Headers headers) {
    return text(headers, Topics.HEADER_DLQ_COMPONENT);
  }

  /** The last value of header {@code name} as UTF-8 text, or null. */
  public static String text(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static String truncate(String detail) {
    String text = detail == null ? "" : detail;
    return text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS) + "...";
  }

  private static void put(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
