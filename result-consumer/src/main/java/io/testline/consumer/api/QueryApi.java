package io.testline.consumer.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.testline.access.AccessConfig;
import io.testline.access.AccessDenied;
import io.testline.access.ApiGuard;
import io.testline.access.Authenticator;
import io.testline.access.HttpsConfig;
import io.testline.access.HttpsConnector;
import io.testline.errors.Errors;
import io.testline.interop.store.CrashSites;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only HTTP API over the result database (Javalin on Jetty), JSON unless noted:
 * <pre>
 * GET /api/runs?serial=&amp;station=&amp;outcome=&amp;program=&amp;crashSite=&amp;from=&amp;to=&amp;limit=&amp;cursor=   runs, newest first
 * GET /api/runs/{runId}                                    one run: steps, measurements, verdict, log size
 * GET /api/runs/{runId}/log?stream=&amp;offset=&amp;limit=          its log as text/plain, merged or one stream
 * GET /api/runs/{runId}/export?format=openhtf|junit|cfx|json  the run in that format ({@link ExportRoute})
 * GET /api/runs/{runId}/attachments                        files uploaded with the run (a core, a minidump)
 * GET /api/runs/{runId}/attachments/{name}                 one of them, its bytes; 409 until complete and verified
 * GET /api/stations                                        stations with their last state and latest run
 * GET /api/yield?from=&amp;to=&amp;station=&amp;program=&amp;top=            first-pass yield and top failing steps
 * GET /api/crashes?from=&amp;to=&amp;station=&amp;program=&amp;top=          crashed and hung runs counted by crash site
 * </pre>
 * Errors are JSON {@code {"error": "...", "field": "..."}}: 400 for invalid input, 401 without valid credentials when
 * access is configured ({@link AccessConfig}: {@code Authorization: Bearer <http.authToken>} or {@code Basic} with a
 * user of {@code http.users}; it guards {@code /api/*}), 403 when the role does not allow the action, 404 for an
 * unknown run or path, 409 for an attachment not complete yet (or whose bytes do not hash to its sha256), 503 while the database is unreachable, 500 otherwise (logged with its cause). Metrics and
 * health are served by the service's metrics endpoint, not here. With {@link HttpsConfig} it speaks only HTTPS.
 *
 * <p>Client input never causes a 5xx and a filter is never dropped: every {@code /api/*} parameter is read from the
 * raw query string by {@link Query} (malformed percent-encodings, invalid UTF-8, control characters, unknown,
 * repeated, empty or over-long parameters are refused) and checked by {@link Params} (times bounded to what
 * PostgreSQL's {@code timestamptz} and Java both hold, numbers and enums strict); paging cursors are signed
 * ({@link Cursors}); requests Jetty refuses before routing get the same JSON error shape ({@link JsonErrorHandler}).
 */
public final class QueryApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueryApi.class);
  private static final Set<String> OUTCOMES = Set.of("PASS", "FAIL", "ERROR", "TIMEOUT", "ABORTED", "CRASHED");
  private static final Set<String> STREAMS = Set.of("MERGED", "STDOUT", "STDERR", "AGENT");
  private static final Set<String> RUNS_PARAMS =
      Set.of("serial", "station", "outcome", "program", "crashSite", "from", "to", "limit", "cursor");
  private static final Set<String> LOG_PARAMS = Set.of("stream", "offset", "limit");
  private static final Set<String> YIELD_PARAMS = Set.of("from", "to", "station", "program", "top");
  private static final Set<String> CRASH_PARAMS = YIELD_PARAMS;
  static final int MAX_RUNS = 1000;
  static final int MAX_LOG_LINES = 100_000;

  private final Javalin app;
  private final RunQueries runs;
  private final LogQueries logs;
  private final AttachmentQueries attachments;
  private final StationQueries stations;
  private final YieldQueries yields;
  private final String scheme;
  private final CrashSites crashes;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile HttpsConnector.Address bind;

  /** An API without authentication, for a loopback listener (a test), its cursors signed with a random key. */
  public QueryApi(DataSource dataSource) {
    this(dataSource, AccessConfig.none(), null, null);
  }

  /**
   * @param access    who may use {@code /api/*}; {@link AccessConfig#none()} for a loopback listener without login
   * @param https     HTTPS settings; null for plain HTTP
   * @param cursorKey the secret that signs paging cursors, shared by every instance behind one load balancer; null
   *                  for a random key of this process (a cursor is then valid only here, until a restart)
   */
  public QueryApi(DataSource dataSource, AccessConfig access, HttpsConfig https, String cursorKey) {
    this(dataSource, access, https, cursorKey, Metrics.globalRegistry);
  }

  /** As above, the login throttle's meters ({@code testline.access.login.*}) in {@code registry}. */
  public QueryApi(DataSource dataSource, AccessConfig access, HttpsConfig https, String cursorKey,
      MeterRegistry registry) {
    ObjectMapper mapper = JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .build();
    Rows rows = new Rows(mapper);
    this.scheme = https == null ? "http" : "https";
    this.runs = new RunQueries(dataSource, rows,
        cursorKey == null ? Cursors.withRandomKey() : Cursors.withSecret(cursorKey));
    this.logs = new LogQueries(dataSource);
    this.attachments = new AttachmentQueries(dataSource);
    this.stations = new StationQueries(dataSource, rows);
    this.yields = new YieldQueries(dataSource);
    this.crashes = new CrashSites(dataSource);
    this.app = Javalin.create(config -> {
      config.jsonMapper(new JavalinJackson(mapper, false));
      config.startup.showJavalinBanner = false;
      // requests Jetty refuses before routing (a malformed path encoding, an over-long URI) get our JSON errors too
      config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler(mapper)));
      if (https != null) {
        HttpsConnector.install(config.jetty, https, () -> bind);
      }
      config.routes.before("/api/*", new ApiGuard(new Authenticator(access, "http", registry))::authenticate);
      config.routes.get("/api/runs", this::listRuns);
      config.routes.get("/api/runs/{runId}", this::getRun);
      config.routes.get("/api/runs/{runId}/log", this::getLog);
      config.routes.get("/api/runs/{runId}/export", new ExportRoute(dataSource));
      config.routes.get("/api/runs/{runId}/attachments", this::listAttachments);
      config.routes.get("/api/runs/{runId}/attachments/{name}", this::getAttachment);
      config.routes.get("/api/stations", this::listStations);
      config.routes.get("/api/yield", this::getYield);
      config.routes.get("/api/crashes", this::getCrashes);
      config.routes.exception(BadRequestException.class, (e, ctx) -> error(ctx, 400, e.getMessage(), e.field()));
      config.routes.exception(AccessDenied.class, (e, ctx) -> {
        e.applyTo(ctx);
        error(ctx, e.status(), e.getMessage(), null);
      });
      config.routes.exception(NotFoundException.class, (e, ctx) -> error(ctx, 404, e.getMessage(), null));
      config.routes.exception(ConflictException.class, (e, ctx) -> error(ctx, 409, e.getMessage(), null));
      config.routes.exception(Exception.class, this::failure);
      config.routes.error(404, "*", ctx -> {
        // an unknown path; a 404 of ours (unknown run) already carries its JSON body
        String type = ctx.res().getContentType();
        if (type == null || !type.contains("json")) {
          error(ctx, 404, "no such resource: " + ctx.method() + " " + ctx.path(), null);
        }
      });
    });
  }

  /** Starts serving on {@code host:port} (port 0 picks a free one). Idempotent. */
  public QueryApi start(String host, int port) {
    if (started.compareAndSet(false, true)) {
      bind = new HttpsConnector.Address(host, port);
      app.start(host, port);
      log.info("query API listening on {}://{}:{}", scheme, host, app.port());
    }
    return this;
  }

  public int port() {
    return app.port();
  }

  private void listRuns(Context ctx) throws SQLException {
    Query q = query(ctx, RUNS_PARAMS);
    Instant from = Params.instant(q, "from", false);
    Instant to = Params.instant(q, "to", false);
    Params.requireOrdered(from, to);
    String cursor = Params.text(q, "cursor");
    Cursors.Position after = cursor == null ? null : runs.cursors().decode(cursor);
    RunFilter filter = new RunFilter(Params.text(q, "serial"), Params.text(q, "station"),
        Params.oneOf(q, "outcome", OUTCOMES), Params.text(q, "program"), Params.text(q, "crashSite"), from, to,
        Params.integer(q, "limit", 100, 1, MAX_RUNS), after == null ? null : after.startedAt(),
        after == null ? null : after.runId());
    ctx.json(runs.list(filter));
  }

  private void getRun(Context ctx) throws SQLException {
    UUID runId = Params.uuidPath(ctx, "runId");
    query(ctx, Set.of());
    ctx.json(runs.get(runId).orElseThrow(() -> new NotFoundException("run " + runId + " is not known")));
  }

  private void getLog(Context ctx) throws SQLException {
    UUID runId = Params.uuidPath(ctx, "runId");
    Query q = query(ctx, LOG_PARAMS);
    String stream = Params.oneOf(q, "stream", STREAMS);
    long offset = Params.longValue(q, "offset", 0, 0, Long.MAX_VALUE);
    int limit = Params.integer(q, "limit", 10_000, 1, MAX_LOG_LINES);
    LogQueries.Page page = logs.page(runId, stream == null || stream.equals("MERGED") ? null : stream, offset, limit);
    if (page == null) {
      throw new NotFoundException("run " + runId + " is not known");
    }
    ctx.header("X-Total-Lines", String.valueOf(page.totalLines()));
    if (page.nextOffset() != null) {
      ctx.header("X-Next-Offset", String.valueOf(page.nextOffset()));
    }
    ctx.contentType("text/plain; charset=utf-8").result(page.text());
  }

  private void listAttachments(Context ctx) throws SQLException {
    UUID runId = Params.uuidPath(ctx, "runId");
    query(ctx, Set.of());
    ctx.json(Map.of("attachments", attachments.list(runId)));
  }

  /** The file's bytes, streamed a chunk at a time once every chunk is stored and they hash to its sha256. */
  private void getAttachment(Context ctx) throws SQLException {
    UUID runId = Params.uuidPath(ctx, "runId");
    query(ctx, Set.of());
    String name = ctx.pathParam("name");
    if (!io.testline.schemas.RunAttachment.NAME.matcher(name).matches()) {
      throw new BadRequestException("name", "name: not the name of an uploaded file");
    }
    AttachmentQueries.Attachment a = attachments.complete(runId, name);
    ctx.contentType(a.mediaType());
    ctx.header("Content-Length", Long.toString(a.sizeBytes()));
    ctx.header("Content-Disposition", "attachment; filename=\"" + a.name() + "\"");
    ctx.header("X-Sha256", a.sha256());
    attachments.write(runId, a, ctx.outputStream());
  }

  private void listStations(Context ctx) throws SQLException {
    query(ctx, Set.of());
    ctx.json(Map.of("stations", stations.all()));
  }

  private void getYield(Context ctx) throws SQLException {
    Query q = query(ctx, YIELD_PARAMS);
    Instant from = Params.instant(q, "from", true);
    Instant to = Params.instant(q, "to", true);
    Params.requireOrdered(from, to);
    String station = Params.text(q, "station");
    String program = Params.text(q, "program");
    int top = Params.integer(q, "top", 5, 1, 100);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("from", from);
    out.put("to", to);
    out.put("groups", yields.yields(from, to, station, program, top));
    ctx.json(out);
  }

  private void getCrashes(Context ctx) throws SQLException {
    Query q = query(ctx, CRASH_PARAMS);
    Instant from = Params.instant(q, "from", true);
    Instant to = Params.instant(q, "to", true);
    Params.requireOrdered(from, to);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("from", from);
    out.put("to", to);
    out.put("sites", crashes.bySite(from, to, Params.text(q, "station"), Params.text(q, "program"),
        Params.integer(q, "top", 20, 1, 100)));
    ctx.json(out);
  }

  /** The request's parameters, parsed from the raw query string: the container's own parsing drops bad pairs. */
  private static Query query(Context ctx, Set<String> allowed) {
    return Query.parse(ctx.queryString(), allowed);
  }

  private void failure(Exception e, Context ctx) {
    if (Errors.isTransient(e) || e instanceof java.sql.SQLTransientException) {
      log.warn("query {} failed, database unavailable: {}", ctx.path(), e.toString());
      error(ctx, 503, "the result database is unavailable, try again later", null);
    } else {
      log.error("query {} failed", ctx.path(), e);
      error(ctx, 500, "internal error: " + e.getClass().getSimpleName(), null);
    }
  }

  private static void error(Context ctx, int status, String message, String field) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    if (field != null) {
      body.put("field", field);
    }
    ctx.status(status).json(body);
  }

  /** Stops the server. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && started.get()) {
      app.stop();
    }
  }
}
