package io.testline.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class JsonlRowWriterTest {
  private final JsonlRowWriter writer = new JsonlRowWriter();

  @Test
  void writes_provenance_key_and_a_compact_object_value_as_it_is() throws IOException {
    String value = "{\"schema\":\"testline.run.step/1\",\"data\":{\"name\":\"r\\u00e4il µ\"}}";
    assertThat(line(record("testline.events", 2, 1234567890123L, 1764741600000L, "SN-1",
        "2026-12-03T06:00:00Z", value)))
        .isEqualTo("{\"topic\":\"testline.events\",\"partition\":2,\"offset\":1234567890123,"
            + "\"timestamp\":1764741600000,\"receivedAt\":\"2026-12-03T06:00:00Z\",\"key\":\"SN-1\",\"value\":"
            + value + "}\n");
  }

  @Test
  void quotes_keys_and_headers_that_need_escaping_and_writes_null_for_missing_ones() throws IOException {
    assertThat(line(record("t\"q", 0, 0, -1, "a\"b\\c\tµ", null, "{}")))
        .isEqualTo("{\"topic\":\"t\\\"q\",\"partition\":0,\"offset\":0,\"timestamp\":-1,\"receivedAt\":null,"
            + "\"key\":\"a\\\"b\\\\c\\tµ\",\"value\":{}}\n");
    assertThat(line(record("t", 0, 7, 5, null, "é", null)))
        .isEqualTo("{\"topic\":\"t\",\"partition\":0,\"offset\":7,\"timestamp\":5,\"receivedAt\":\"é\","
            + "\"key\":null,\"value\":null}\n");
  }

  @Test
  void compacts_an_object_spanning_lines_and_base64_encodes_anything_else() throws IOException {
    assertThat(line(record("t", 0, 1, 1, "k", "r", "{\n  \"a\" : [1, 2],\n  \"b\" : \"x\"\n}\n")))
        .endsWith(",\"value\":{\"a\":[1,2],\"b\":\"x\"}}\n");
    for (String notOneObject : new String[] {"plain text", "[1,2]", "{\"a\":1,\"a\":2}", "{\"a\":1}{}"}) {
      assertThat(line(record("t", 0, 1, 1, "k", "r", notOneObject))).as(notOneObject)
          .endsWith(",\"value\":\"" + Base64.getEncoder().encodeToString(notOneObject.getBytes(StandardCharsets.UTF_8))
              + "\"}\n");
    }
  }

  @Test
  void grows_its_line_buffer_for_large_values() throws IOException {
    String big = "{\"a\":\"" + "x".repeat(100_000) + "\"}";
    assertThat(line(record("t", 0, 1, 1, "k", "r", big))).endsWith(",\"value\":" + big + "}\n");
  }

  private String line(ConsumerRecord<byte[], byte[]> record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(record, null, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static ConsumerRecord<byte[], byte[]> record(String topic, int partition, long offset, long timestamp,
      String key, String receivedAt, String value) {
    RecordHeaders headers = new RecordHeaders();
    if (receivedAt != null) {
      headers.add(Topics.HEADER_RECEIVED_AT, receivedAt.getBytes(StandardCharsets.UTF_8));
    }
    return new ConsumerRecord<>(topic, partition, offset, timestamp, TimestampType.CREATE_TIME, -1, -1,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8), headers, Optional.empty());
  }
}
