package io.testline.consumer.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.testline.interop.ExportFormat;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.RunsWriter;
import io.testline.interop.store.RunLoader;
import java.io.ByteArrayOutputStream;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code GET /api/runs/{runId}/export?format=openhtf|junit|cfx|json}: one stored run in a test-world format, by
 * the interop module's mapping (the same the CLI and the web use), as a download: the format's content type and a
 * {@code Content-Disposition} file name {@code <serial>_<runId>.<ext>}. 400 when the format is missing or unknown
 * (the error names the formats there are), 404 when the run is unknown. The export is built in memory before the
 * first byte is sent, so a failure is a clean JSON error, never half a document (the loader bounds the log).
 */
final class ExportRoute implements Handler {
  private static final Set<String> PARAMS = Set.of("format");

  private final RunLoader loader;

  ExportRoute(DataSource dataSource) {
    this.loader = new RunLoader(dataSource);
  }

  @Override
  public void handle(Context ctx) throws Exception {
    UUID runId = Params.uuidPath(ctx, "runId");
    String name = Params.text(Query.parse(ctx.queryString(), PARAMS), "format");
    if (name == null) {
      throw new BadRequestException("format", "format: required, one of " + ExportFormat.names());
    }
    ExportFormat format;
    try {
      format = ExportFormat.of(name);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("format", "format: " + Query.quote(name) + " is not one of "
          + ExportFormat.names());
    }
    RunRecord run = loader.load(runId).orElseThrow(() -> new NotFoundException("run " + runId + " is not known"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (RunsWriter writer = format.writer(out, false)) {
      writer.write(run);
    }
    ctx.header("Content-Disposition", "attachment; filename=\"" + format.fileName(run.serialNumber(), runId) + "\"");
    ctx.contentType(format.contentType()).result(out.toByteArray());
  }
}
