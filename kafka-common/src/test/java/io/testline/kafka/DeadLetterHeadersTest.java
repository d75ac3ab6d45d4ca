package io.testline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.schemas.DeadLetterReason;
import io.testline.schemas.Topics;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterHeadersTest {

  @Test
  void what_is_written_is_read_back() {
    Headers headers = new RecordHeaders();
    DeadLetterHeaders.addProvenance(headers, DeadLetterReason.SCHEMA_VIOLATION, "seq: must be >= 0",
        "mqtt-kafka-bridge/b1", new IllegalArgumentException("x"));
    DeadLetterHeaders.addKafkaSource(headers, "testline.verdicts", 3, 42L);

    assertThat(DeadLetterHeaders.reason(headers)).isEqualTo("SCHEMA_VIOLATION");
    assertThat(DeadLetterHeaders.detail(headers)).isEqualTo("seq: must be >= 0");
    assertThat(DeadLetterHeaders.component(headers)).isEqualTo("mqtt-kafka-bridge/b1");
    assertThat(DeadLetterHeaders.text(headers, Topics.HEADER_DLQ_EXCEPTION))
        .isEqualTo(IllegalArgumentException.class.getName());
    assertThat(DeadLetterHeaders.text(headers, Topics.HEADER_DLQ_SOURCE_TOPIC)).isEqualTo("testline.verdicts");
    assertThat(DeadLetterHeaders.text(headers, Topics.HEADER_DLQ_SOURCE_PARTITION)).isEqualTo("3");
    assertThat(DeadLetterHeaders.text(headers, Topics.HEADER_DLQ_SOURCE_OFFSET)).isEqualTo("42");
  }

  @Test
  void a_long_detail_is_cut_and_says_so_and_no_cause_writes_no_exception_header() {
    Headers headers = DeadLetterHeaders.addProvenance(new RecordHeaders(), DeadLetterReason.OVERSIZE,
        "x".repeat(10_000), "c", null);

    assertThat(DeadLetterHeaders.detail(headers)).hasSize(DeadLetterHeaders.MAX_DETAIL_CHARS + 3).endsWith("...");
    assertThat(headers.lastHeader(Topics.HEADER_DLQ_EXCEPTION)).isNull();
    assertThat(DeadLetterHeaders.reason(new RecordHeaders())).isNull();
  }
}
