package io.testline.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.testline.schemas.EventJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class CsvRowWriterTest {
  @Test
  void a_cell_a_spreadsheet_would_run_as_a_formula_comes_out_inert_and_other_cells_as_they_are() throws Exception {
    String event = """
        {"schema":"testline.run.finished/1","eventId":"e-1","stationId":"FCT-1","seq":-3,
         "data":{"serialNumber":"=cmd|' /C calc'!A0","runId":"@SUM(1+1)","outcome":"-2+3"}}""";
    List<String> cells = cells(event);

    assertThat(cells.get(CsvRowWriter.COLUMNS.indexOf("serialNumber"))).isEqualTo("'=cmd|' /C calc'!A0");
    assertThat(cells.get(CsvRowWriter.COLUMNS.indexOf("runId"))).isEqualTo("'@SUM(1+1)");
    assertThat(cells.get(CsvRowWriter.COLUMNS.indexOf("outcome"))).isEqualTo("'-2+3");
    assertThat(cells.get(CsvRowWriter.COLUMNS.indexOf("stationId"))).isEqualTo("FCT-1");
    assertThat(cells.get(CsvRowWriter.COLUMNS.indexOf("seq"))).as("a number is no formula").isEqualTo("-3");
    assertThat(cells).noneMatch(c -> !c.isEmpty() && "=+@\t\r".indexOf(c.charAt(0)) >= 0);
  }

  @Test
  void tab_and_carriage_return_leads_are_escaped_and_the_row_stays_one_csv_row() throws Exception {
    List<String> cells = cells("""
        {"schema":"s","stationId":"S","data":{"serialNumber":"\\tSN,1","runId":"\\r=1+1"}}""");
    assertThat(cells).hasSize(CsvRowWriter.COLUMNS.size());
    assertThat(cells.get(CsvRowWriter.COLUMNS.indexOf("serialNumber"))).isEqualTo("'\tSN,1");
    assertThat(cells.get(CsvRowWriter.COLUMNS.indexOf("runId"))).isEqualTo("'\r=1+1");
  }

  private static List<String> cells(String event) throws Exception {
    JsonNode tree = EventJson.mapper().readTree(event);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new CsvRowWriter().write(new ConsumerRecord<>("=topic", 0, 1L, null, event.getBytes(StandardCharsets.UTF_8)),
        tree, out);
    CsvMapper csv = new CsvMapper();
    csv.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    try (MappingIterator<List<String>> rows = csv.readerForListOf(String.class)
        .readValues(out.toString(StandardCharsets.UTF_8))) {
      List<String> row = rows.next();
      assertThat(rows.hasNext()).as("one row").isFalse();
      assertThat(row.get(0)).isEqualTo("'=topic");
      return row;
    }
  }
}
