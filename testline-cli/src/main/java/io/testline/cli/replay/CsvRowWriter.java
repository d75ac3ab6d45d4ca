package io.testline.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.testline.schemas.Topics;
import io.testline.text.SpreadsheetCells;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A CSV row a record: its provenance and the envelope's main fields; empty cells where a value is not JSON. Text from
 * stations and headers is made inert for spreadsheets ({@link SpreadsheetCells}): {@code =cmd|...} runs nothing.
 */
final class CsvRowWriter implements RowWriter {
  static final List<String> COLUMNS = List.of("topic", "partition", "offset", "timestamp", "receivedAt", "schema",
      "stationId", "serialNumber", "runId", "eventId", "seq", "outcome");

  private final ObjectWriter writer;

  CsvRowWriter() {
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(false);
    COLUMNS.forEach(schema::addColumn);
    writer = new CsvMapper().writer(schema.build());
  }

  @Override
  public byte[] header() {
    return (String.join(",", COLUMNS) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean needsTree() {
    return true;
  }

  @Override
  public void write(ConsumerRecord<byte[], byte[]> record, JsonNode event, OutputStream out) throws IOException {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("topic", record.topic());
    row.put("partition", record.partition());
    row.put("offset", record.offset());
    row.put("timestamp", record.timestamp());
    row.put("receivedAt", RowWriter.header(record, Topics.HEADER_RECEIVED_AT));
    JsonNode e = event == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : event;
    JsonNode data = e.path("data");
    row.put("schema", e.path("schema").asText(null));
    row.put("stationId", e.path("stationId").asText(null));
    row.put("serialNumber", data.path("serialNumber").asText(null));
    row.put("runId", data.path("runId").asText(null));
    row.put("eventId", e.path("eventId").asText(null));
    row.put("seq", e.path("seq").isNumber() ? e.path("seq").asLong() : null);
    row.put("outcome", data.path("outcome").asText(null));
    row.replaceAll((column, value) -> value instanceof String text ? SpreadsheetCells.inert(text) : value);
    out.write(writer.writeValueAsBytes(row));
  }
}
