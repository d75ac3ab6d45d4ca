package io.testline.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.testline.interop.ExportFormat;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.RunsWriter;
import io.testline.interop.store.RunLoader;
import java.io.ByteArrayOutputStream;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@code GET /runs/{runId}/export.{format}}: the run page's download links (JSON, JUnit, CFX, OpenHTF), served by
 * the web itself through the interop module's mapping, the same the query API and {@code testline export} use; so
 * the links work whether or not the query API is reachable from the browser.
 */
final class ExportDownload implements Handler {
  private final RunLoader loader;
  private final Pages pages;

  ExportDownload(DataSource dataSource, Pages pages) {
    this.loader = new RunLoader(dataSource);
    this.pages = pages;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    UUID runId;
    ExportFormat format;
    try {
      runId = UUID.fromString(ctx.pathParam("runId"));
      format = ExportFormat.of(ctx.pathParam("format"));
    } catch (IllegalArgumentException e) {
      pages.error(ctx, 404, "No export at " + ctx.path() + " (formats: " + ExportFormat.names() + ")");
      return;
    }
    var run = loader.load(runId);
    if (run.isEmpty()) {
      pages.error(ctx, 404, "run " + runId + " is not known");
      return;
    }
    RunRecord r = run.get();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (RunsWriter writer = format.writer(out, false)) {
      writer.write(r);
    }
    ctx.header("Content-Disposition", "attachment; filename=\"" + format.fileName(r.serialNumber(), runId) + "\"");
    ctx.contentType(format.contentType()).result(out.toByteArray());
  }
}
