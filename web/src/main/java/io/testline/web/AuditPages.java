package io.testline.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.testline.audit.AuditReport;
import io.testline.audit.AuditScope;
import io.testline.audit.Auditor;
import io.testline.kafka.TopicWindow;
import io.testline.schemas.EventJson;
import io.testline.web.view.AuditPage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * {@code GET /audit?from=&to=&station=&serial=}: the completeness of a window as {@code testline audit} proves it,
 * computed by the same {@link Auditor} over Kafka, the result database and the shopfloor ledger.
 * {@code GET /audit/events.jsonl} with the same parameters: the window's events as stored in Kafka, one per line.
 * Without a window the page audits the last {@link #DEFAULT_WINDOW}.
 */
final class AuditPages {
  static final Duration DEFAULT_WINDOW = Duration.ofHours(8);

  private final Pages pages;
  private final AuditSource source;
  private final Auditor auditor;
  private final Clock clock;

  /** {@code source} null: there is no Kafka to read, and the page says so. */
  AuditPages(Pages pages, AuditSource source, Auditor.Connector db, Clock clock) {
    this.pages = pages;
    this.source = source;
    this.auditor = source == null ? null
        : new Auditor(new Auditor.Sources(source.kafkaProps(), source.topics(), db, null), clock);
    this.clock = clock;
  }

  void page(Context ctx) throws SQLException {
    Window w;
    try {
      w = window(ctx);
    } catch (IllegalArgumentException e) {
      Instant now = clock.instant();
      ctx.status(400);
      render(ctx, new AuditPage(now.minus(DEFAULT_WINDOW), now, null, null, null, null, null, e.getMessage(),
          auditor != null, 0));
      return;
    }
    if (auditor == null) {
      render(ctx, new AuditPage(w.from, w.to, local(w.from), local(w.to), w.scope.stationId(),
          w.scope.serialNumber(), null, null, false, 0));
      return;
    }
    long started = System.nanoTime();
    AuditReport report;
    try {
      report = auditor.audit(w.from, w.to, w.scope);
    } catch (KafkaException | IllegalArgumentException e) {
      ctx.status(503);
      render(ctx, new AuditPage(w.from, w.to, local(w.from), local(w.to), w.scope.stationId(),
          w.scope.serialNumber(), null, "Kafka could not be read: " + e.getMessage(), true, 0));
      return;
    }
    render(ctx, new AuditPage(w.from, w.to, local(w.from), local(w.to), w.scope.stationId(),
        w.scope.serialNumber(), report, null, true, (System.nanoTime() - started) / 1_000_000));
  }

  /** The window's events from the events topic, each as Kafka holds it, one JSON document per line. */
  void events(Context ctx) throws IOException {
    Window w;
    try {
      w = window(ctx);
    } catch (IllegalArgumentException e) {
      pages.error(ctx, 400, e.getMessage());
      return;
    }
    if (source == null) {
      pages.error(ctx, 503, "This web interface has no Kafka to read (testline web --kafka-bootstrap).");
      return;
    }
    ctx.contentType("application/x-ndjson; charset=utf-8");
    ctx.header("Content-Disposition", "attachment; filename=\"testline-events-" + w.from.getEpochSecond() + "-"
        + w.to.getEpochSecond() + ".jsonl\"");
    OutputStream out = ctx.outputStream();
    try {
      new TopicWindow(source.kafkaProps()).read(source.topics().events(), w.from, w.to, r -> write(r, w.scope, out));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    out.flush();
  }

  private static void write(ConsumerRecord<byte[], byte[]> r, AuditScope scope, OutputStream out) {
    byte[] value = r.value();
    if (value == null) {
      return;
    }
    try {
      JsonNode event = null;
      if (!scope.all() || contains(value, (byte) '\n')) {
        event = EventJson.mapper().readTree(value);
        String station = event.path("stationId").asText(null);
        String serial = event.path("data").path("serialNumber").asText(null);
        if ((scope.stationId() != null && !scope.stationId().equals(station))
            || (scope.serialNumber() != null && !scope.serialNumber().equals(serial))) {
          return;
        }
      }
      out.write(event != null && contains(value, (byte) '\n') ? EventJson.mapper().writeValueAsBytes(event) : value);
      out.write('\n');
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // the bridge keeps what is not JSON out of the events topic (it goes to the dead letters); nothing to export
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean contains(byte[] bytes, byte b) {
    for (byte x : bytes) {
      if (x == b) {
        return true;
      }
    }
    return false;
  }

  private record Window(Instant from, Instant to, AuditScope scope) {}

  private Window window(Context ctx) {
    Pages.TimeWindow window = pages.window(ctx, clock, DEFAULT_WINDOW);
    return new Window(window.from(), window.to(),
        new AuditScope(Pages.text(ctx, "station"), Pages.text(ctx, "serial")));
  }

  /** The form's text of a time: to the second, which a datetime-local input shows in full. */
  private String local(Instant t) {
    return pages.local(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  private void render(Context ctx, AuditPage page) {
    pages.html(ctx, "audit.jte", Map.of("page", page));
  }
}
