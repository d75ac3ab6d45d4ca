package io.testline.consumer.store;

import io.testline.schemas.Event;
import io.testline.schemas.LogLine;
import io.testline.schemas.RunLog;
import io.testline.text.StorableText;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Writes run.log chunks, one {@code unnest} statement per batch; the first stored chunk stays, no run row needed. */
final class LogWriter {

  private static final String INSERT_LOG_CHUNKS = """
      insert into log_chunks (run_id, chunk, serial_number, station_id, stream, first_line, line_count, bytes, lines,
                              originals)
      select l.run_id, l.chunk, l.serial_number, l.station_id, l.stream, l.first_line, l.line_count, l.bytes,
             l.lines::jsonb, l.originals::jsonb
      from unnest(?::uuid[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::int[], ?::bigint[],
                  ?::text[], ?::text[])
        as l(run_id, chunk, serial_number, station_id, stream, first_line, line_count, bytes, lines, originals)
      on conflict (run_id, chunk) do nothing""";

  private static final Columns.Type[] LOG_COLUMNS = {
      Columns.Type.UUID, Columns.Type.BIGINT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT,
      Columns.Type.BIGINT, Columns.Type.INT, Columns.Type.BIGINT, Columns.Type.TEXT, Columns.Type.TEXT};

  private LogWriter() {}

  static void writeLogs(Connection c, WritePlan plan, WriteStats stats) throws SQLException {
    if (plan.logs.isEmpty()) {
      return;
    }
    Columns logs = new Columns(LOG_COLUMNS);
    for (Event<RunLog> e : plan.logs.values()) {
      RunLog l = e.data();
      Originals o = new Originals();
      logs.row(l.runId(), l.chunk(), o.text("serial_number", l.serialNumber()), o.text("station_id", e.stationId()),
          l.stream().name(), l.firstLine(), l.lines().size(), l.bytes(), o.json("lines", storableLines(l.lines())),
          o.toJson());
    }
    logs.execute(c, INSERT_LOG_CHUNKS);
    stats.rows("log_chunks", plan.logs.size());
  }

  /**
   * The lines as stored: a line PostgreSQL cannot hold keeps its readable form in {@code text} and its exact bytes
   * in {@code base64}, as a line of invalid UTF-8 already does (when it has one, that one stays: it is the program's
   * own bytes).
   */
  private static List<LogLine> storableLines(List<LogLine> lines) {
    List<LogLine> out = null;
    for (int i = 0; i < lines.size(); i++) {
      LogLine line = lines.get(i);
      if (!StorableText.isStorable(line.text())) {
        if (out == null) {
          out = new ArrayList<>(lines);
        }
        String base64 = line.base64() != null ? line.base64() : StorableText.exactBase64(line.text());
        out.set(i, new LogLine(line.at(), StorableText.readable(line.text()), base64, line.partial()));
      }
    }
    return out == null ? lines : out;
  }
}
